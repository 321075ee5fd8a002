using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

namespace Outage.Tools.Core.Serialization;

/// <summary>
/// Reads a PowerShell data file (.psd1): hashtables <c>@{}</c>, arrays <c>@()</c>, quoted strings, numbers,
/// <c>$true</c>/<c>$false</c>/<c>$null</c>, comments: the data language of module manifests and of
/// Invoke-OutageCheck configuration files, read without PowerShell (the CLI has none). Nesting is limited.
/// </summary>
public sealed class Psd1
{
    private readonly string _text;
    private int _pos;

    private Psd1(string text) => _text = text;

    public static Dictionary<string, object?> Parse(string text)
    {
        var reader = new Psd1(text);
        var value = reader.Value();
        reader.Skip();
        if (reader._pos != reader._text.Length)
        {
            throw reader.Error("text after the top-level hashtable");
        }

        return value as Dictionary<string, object?> ?? throw reader.Error("the file is not a hashtable");
    }

    private int _depth;

    private object? Value()
    {
        if (++_depth > 64)
        {
            throw Error("nesting deeper than 64 levels");
        }

        try
        {
            return ValueCore();
        }
        finally
        {
            _depth--;
        }
    }

    private object? ValueCore()
    {
        Skip();
        if (Peek("@{"))
        {
            _pos += 2;
            var table = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
            while (true)
            {
                Skip(true);
                if (Peek("}"))
                {
                    _pos++;
                    return table;
                }

                var key = Key();
                Skip();
                Expect('=');
                if (table.ContainsKey(key))
                {
                    throw Error($"duplicate key {key}");
                }

                table[key] = Value();
            }
        }

        if (Peek("@("))
        {
            _pos += 2;
            var list = new List<object?>();
            while (true)
            {
                Skip(true);
                if (Peek(","))
                {
                    _pos++;
                    continue;
                }

                if (Peek(")"))
                {
                    _pos++;
                    return list;
                }

                var item = Value();
                if (item is List<object?> inner)
                {
                    list.AddRange(inner);
                }
                else
                {
                    list.Add(item);
                }
            }
        }

        var first = Scalar();
        Skip();
        if (!Peek(","))
        {
            return first;
        }

        var items = new List<object?> { first };
        while (Peek(","))
        {
            _pos++;
            Skip();
            items.Add(Scalar());
            Skip();
        }

        return items;
    }

    private object? Scalar()
    {
        Skip();
        if (_pos >= _text.Length)
        {
            throw Error("a value was expected");
        }

        var c = _text[_pos];
        if (c == '\'')
        {
            var sb = new StringBuilder();
            _pos++;
            while (true)
            {
                if (_pos >= _text.Length)
                {
                    throw Error("unterminated string");
                }

                if (_text[_pos] == '\'' && _pos + 1 < _text.Length && _text[_pos + 1] == '\'')
                {
                    sb.Append('\'');
                    _pos += 2;
                }
                else if (_text[_pos] == '\'')
                {
                    _pos++;
                    return sb.ToString();
                }
                else
                {
                    sb.Append(_text[_pos++]);
                }
            }
        }

        if (c == '"')
        {
            var end = _text.IndexOf('"', _pos + 1);
            if (end < 0)
            {
                throw Error("unterminated string");
            }

            var s = _text.Substring(_pos + 1, end - _pos - 1);
            _pos = end + 1;
            return s;
        }

        var start = _pos;
        while (_pos < _text.Length && (char.IsLetterOrDigit(_text[_pos]) || _text[_pos] is '$' or '.' or '-' or '_'))
        {
            _pos++;
        }

        var word = _text.Substring(start, _pos - start);
        return word.ToLowerInvariant() switch
        {
            "$true" => true,
            "$false" => false,
            "$null" => null,
            "" => throw Error("a value was expected"),
            _ when double.TryParse(word, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => d,
            _ => throw Error($"'{word}' is not allowed in a data file"),
        };
    }

    private string Key()
    {
        if (_pos < _text.Length && _text[_pos] is '\'' or '"')
        {
            return (string)Scalar()!;
        }

        var start = _pos;
        while (_pos < _text.Length && (char.IsLetterOrDigit(_text[_pos]) || _text[_pos] == '_'))
        {
            _pos++;
        }

        return start == _pos ? throw Error("a key was expected") : _text.Substring(start, _pos - start);
    }

    private void Skip(bool semicolons = false)
    {
        while (_pos < _text.Length)
        {
            var c = _text[_pos];
            if (char.IsWhiteSpace(c) || (semicolons && c == ';'))
            {
                _pos++;
            }
            else if (c == '#')
            {
                while (_pos < _text.Length && _text[_pos] != '\n')
                {
                    _pos++;
                }
            }
            else if (Peek("<#"))
            {
                var close = _text.IndexOf("#>", _pos, StringComparison.Ordinal);
                _pos = close < 0 ? _text.Length : close + 2;
            }
            else
            {
                break;
            }
        }
    }

    private bool Peek(string s) => string.CompareOrdinal(_text, _pos, s, 0, s.Length) == 0;

    private void Expect(char c)
    {
        if (_pos >= _text.Length || _text[_pos] != c)
        {
            throw Error($"'{c}' expected");
        }

        _pos++;
    }

    private FormatException Error(string what)
    {
        var line = _text.Take(Math.Min(_pos, _text.Length)).Count(ch => ch == '\n') + 1;
        return new FormatException($"psd1 line {line}: {what}");
    }
}
