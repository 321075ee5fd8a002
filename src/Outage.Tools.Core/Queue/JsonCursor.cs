using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace Outage.Tools.Core.Queue;

/// <summary>
/// A small, allocation-light reader over one JSON text (RFC 8259), for <c>postqueue -j</c> lines and the
/// Watch-MailQueue history file. Core has no package dependencies, so no System.Text.Json here.
/// Errors throw <see cref="FormatException"/> with the column.
/// </summary>
internal sealed class JsonCursor
{
    private readonly string _s;
    private int _i;
    private StringBuilder? _sb;

    public JsonCursor(string text)
    {
        _s = text;
    }

    public int Position => _i;

    public bool AtEnd
    {
        get
        {
            SkipWs();
            return _i >= _s.Length;
        }
    }

    public void SkipWs()
    {
        while (_i < _s.Length)
        {
            var c = _s[_i];
            if (c == ' ' || c == '\t' || c == '\r' || c == '\n')
            {
                _i++;
            }
            else
            {
                break;
            }
        }
    }

    public char Peek()
    {
        SkipWs();
        return _i < _s.Length ? _s[_i] : '\0';
    }

    public void Expect(char c)
    {
        SkipWs();
        if (_i >= _s.Length || _s[_i] != c)
        {
            throw Fail($"expected '{c}'");
        }

        _i++;
    }

    /// <summary>After a member or element: true for ',', false for the closing bracket.</summary>
    public bool NextOrEnd(char close)
    {
        SkipWs();
        if (_i < _s.Length)
        {
            if (_s[_i] == ',')
            {
                _i++;
                return true;
            }

            if (_s[_i] == close)
            {
                _i++;
                return false;
            }
        }

        throw Fail($"expected ',' or '{close}'");
    }

    /// <summary>Starts an object or array: true when it has a first member/element, false when empty.</summary>
    public bool Begin(char open, char close)
    {
        Expect(open);
        SkipWs();
        if (_i < _s.Length && _s[_i] == close)
        {
            _i++;
            return false;
        }

        return true;
    }

    /// <summary>Reads a string; when it equals <paramref name="last"/> that instance is returned (no allocation for repeated values).</summary>
    public string ReadString(ref string? last)
    {
        SkipWs();
        if (last is not null && _i + last.Length + 1 < _s.Length && _s[_i] == '"' && _s[_i + last.Length + 1] == '"'
            && string.CompareOrdinal(_s, _i + 1, last, 0, last.Length) == 0 && _s.IndexOf('\\', _i + 1, last.Length) < 0 && last.IndexOf('"') < 0)
        {
            _i += last.Length + 2;
            return last;
        }

        return last = ReadString();
    }

    public string ReadString()
    {
        Expect('"');
        var start = _i;
        while (_i < _s.Length)
        {
            var c = _s[_i];
            if (c == '"')
            {
                var plain = _s.Substring(start, _i - start);
                _i++;
                return plain;
            }

            if (c == '\\')
            {
                return ReadEscaped(start);
            }

            if (c < 0x20)
            {
                throw Fail("control character in string");
            }

            _i++;
        }

        throw Fail("unterminated string");
    }

    private string ReadEscaped(int start)
    {
        var sb = _sb ??= new StringBuilder();
        sb.Clear();
        sb.Append(_s, start, _i - start);
        while (_i < _s.Length)
        {
            var c = _s[_i++];
            if (c == '"')
            {
                return sb.ToString();
            }

            if (c < 0x20)
            {
                throw Fail("control character in string");
            }

            if (c != '\\')
            {
                sb.Append(c);
                continue;
            }

            if (_i >= _s.Length)
            {
                break;
            }

            var e = _s[_i++];
            switch (e)
            {
                case '"': sb.Append('"'); break;
                case '\\': sb.Append('\\'); break;
                case '/': sb.Append('/'); break;
                case 'b': sb.Append('\b'); break;
                case 'f': sb.Append('\f'); break;
                case 'n': sb.Append('\n'); break;
                case 'r': sb.Append('\r'); break;
                case 't': sb.Append('\t'); break;
                case 'u':
                    if (_i + 4 > _s.Length || !int.TryParse(_s.Substring(_i, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var code))
                    {
                        throw Fail("invalid \\u escape");
                    }

                    sb.Append((char)code);
                    _i += 4;
                    break;
                default:
                    throw Fail($"invalid escape '\\{e}'");
            }
        }

        throw Fail("unterminated string");
    }

    /// <summary>Reads a number token as text (validated per RFC 8259 section 6).</summary>
    public string ReadNumberText()
    {
        SkipWs();
        var start = _i;
        if (_i < _s.Length && _s[_i] == '-')
        {
            _i++;
        }

        var digits = Digits();
        if (digits == 0)
        {
            throw Fail("invalid number");
        }

        if (_i < _s.Length && _s[_i] == '.')
        {
            _i++;
            if (Digits() == 0)
            {
                throw Fail("invalid number");
            }
        }

        if (_i < _s.Length && (_s[_i] == 'e' || _s[_i] == 'E'))
        {
            _i++;
            if (_i < _s.Length && (_s[_i] == '+' || _s[_i] == '-'))
            {
                _i++;
            }

            if (Digits() == 0)
            {
                throw Fail("invalid number");
            }
        }

        return _s.Substring(start, _i - start);
    }

    /// <summary>Reads an integer number fast; fractions and exponents are accepted and truncated.</summary>
    public long ReadInt64()
    {
        SkipWs();
        var start = _i;
        var neg = false;
        if (_i < _s.Length && _s[_i] == '-')
        {
            neg = true;
            _i++;
        }

        long v = 0;
        var n = 0;
        while (_i < _s.Length && _s[_i] >= '0' && _s[_i] <= '9')
        {
            v = checked((v * 10) + (_s[_i] - '0'));
            _i++;
            n++;
        }

        if (n == 0)
        {
            throw Fail("expected a number");
        }

        if (_i < _s.Length && (_s[_i] == '.' || _s[_i] == 'e' || _s[_i] == 'E'))
        {
            _i = start;
            return (long)double.Parse(ReadNumberText(), NumberStyles.Float, CultureInfo.InvariantCulture);
        }

        return neg ? -v : v;
    }

    private int Digits()
    {
        var n = 0;
        while (_i < _s.Length && _s[_i] >= '0' && _s[_i] <= '9')
        {
            _i++;
            n++;
        }

        return n;
    }

    public bool ReadBool()
    {
        SkipWs();
        if (Literal("true"))
        {
            return true;
        }

        if (Literal("false"))
        {
            return false;
        }

        throw Fail("expected true or false");
    }

    public bool TryNull()
    {
        SkipWs();
        return Literal("null");
    }

    private bool Literal(string word)
    {
        if (string.CompareOrdinal(_s, _i, word, 0, word.Length) == 0)
        {
            _i += word.Length;
            return true;
        }

        return false;
    }

    /// <summary>Skips any value (unknown members must be ignored, postqueue(1)).</summary>
    public void SkipValue() => ReadValue(materialize: false);

    /// <summary>Reads any value: Dictionary, List, string, double, bool or null.</summary>
    public object? ReadValue() => ReadValue(materialize: true);

    private object? ReadValue(bool materialize, int depth = 0)
    {
        if (depth > 64)
        {
            throw Fail("nesting too deep");
        }

        switch (Peek())
        {
            case '{':
            {
                var d = materialize ? new Dictionary<string, object?>(StringComparer.Ordinal) : null;
                if (Begin('{', '}'))
                {
                    do
                    {
                        var key = ReadString();
                        Expect(':');
                        var v = ReadValue(materialize, depth + 1);
                        if (d is not null)
                        {
                            d[key] = v;
                        }
                    }
                    while (NextOrEnd('}'));
                }

                return d;
            }

            case '[':
            {
                var l = materialize ? new List<object?>() : null;
                if (Begin('[', ']'))
                {
                    do
                    {
                        var v = ReadValue(materialize, depth + 1);
                        l?.Add(v);
                    }
                    while (NextOrEnd(']'));
                }

                return l;
            }

            case '"':
                return ReadString();
            case 't':
            case 'f':
                return ReadBool();
            case 'n':
                if (TryNull())
                {
                    return null;
                }

                throw Fail("invalid literal");
            default:
                return double.Parse(ReadNumberText(), NumberStyles.Float, CultureInfo.InvariantCulture);
        }
    }

    public FormatException Fail(string what) =>
        new($"{what} at column {Math.Min(_i, _s.Length) + 1}");
}
