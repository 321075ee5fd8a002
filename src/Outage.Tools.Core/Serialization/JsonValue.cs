using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace Outage.Tools.Core.Serialization;

/// <summary>
/// A small, strict JSON reader (RFC 8259) producing plain .NET values: objects as
/// <see cref="Dictionary{TKey,TValue}"/> (case-insensitive keys), arrays as <see cref="List{T}"/>, strings,
/// doubles, booleans and null. For configuration files and history lines, not bulk data; nesting is limited to
/// <see cref="MaxDepth"/> levels so hostile input cannot exhaust the stack.
/// </summary>
public static class JsonValue
{
    public const int MaxDepth = 64;

    public static object? Parse(string text)
    {
        if (text is null)
        {
            throw new ArgumentNullException(nameof(text));
        }

        var pos = 0;
        var value = ReadValue(text, ref pos, 0);
        SkipWhite(text, ref pos);
        if (pos != text.Length)
        {
            throw Error(text, pos, "unexpected text after the JSON value");
        }

        return value;
    }

    private static object? ReadValue(string s, ref int pos, int depth)
    {
        if (depth > MaxDepth)
        {
            throw Error(s, pos, $"nesting deeper than {MaxDepth} levels");
        }

        SkipWhite(s, ref pos);
        if (pos >= s.Length)
        {
            throw Error(s, pos, "a value was expected");
        }

        switch (s[pos])
        {
            case '{':
                pos++;
                var obj = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
                SkipWhite(s, ref pos);
                if (pos < s.Length && s[pos] == '}')
                {
                    pos++;
                    return obj;
                }

                while (true)
                {
                    SkipWhite(s, ref pos);
                    if (pos >= s.Length || s[pos] != '"')
                    {
                        throw Error(s, pos, "a member name was expected");
                    }

                    var key = ReadString(s, ref pos);
                    SkipWhite(s, ref pos);
                    Expect(s, ref pos, ':');
                    obj[key] = ReadValue(s, ref pos, depth + 1);
                    SkipWhite(s, ref pos);
                    if (pos < s.Length && s[pos] == ',')
                    {
                        pos++;
                        continue;
                    }

                    Expect(s, ref pos, '}');
                    return obj;
                }

            case '[':
                pos++;
                var list = new List<object?>();
                SkipWhite(s, ref pos);
                if (pos < s.Length && s[pos] == ']')
                {
                    pos++;
                    return list;
                }

                while (true)
                {
                    list.Add(ReadValue(s, ref pos, depth + 1));
                    SkipWhite(s, ref pos);
                    if (pos < s.Length && s[pos] == ',')
                    {
                        pos++;
                        continue;
                    }

                    Expect(s, ref pos, ']');
                    return list;
                }

            case '"':
                return ReadString(s, ref pos);
            case 't':
                return Literal(s, ref pos, "true", true);
            case 'f':
                return Literal(s, ref pos, "false", false);
            case 'n':
                return Literal(s, ref pos, "null", null);
            default:
                return ReadNumber(s, ref pos);
        }
    }

    private static object? Literal(string s, ref int pos, string word, object? value)
    {
        if (string.CompareOrdinal(s, pos, word, 0, word.Length) != 0)
        {
            throw Error(s, pos, $"'{word}' was expected");
        }

        pos += word.Length;
        return value;
    }

    private static double ReadNumber(string s, ref int pos)
    {
        var start = pos;
        while (pos < s.Length && (char.IsDigit(s[pos]) || s[pos] is '-' or '+' or '.' or 'e' or 'E'))
        {
            pos++;
        }

        if (start == pos || !double.TryParse(s.Substring(start, pos - start), NumberStyles.Float, CultureInfo.InvariantCulture, out var d))
        {
            throw Error(s, start, "a value was expected");
        }

        return d;
    }

    private static string ReadString(string s, ref int pos)
    {
        pos++; // opening quote
        var sb = new StringBuilder();
        while (true)
        {
            if (pos >= s.Length)
            {
                throw Error(s, pos, "unterminated string");
            }

            var c = s[pos++];
            if (c == '"')
            {
                return sb.ToString();
            }

            if (c < 0x20)
            {
                throw Error(s, pos - 1, "control character in a string");
            }

            if (c != '\\')
            {
                sb.Append(c);
                continue;
            }

            if (pos >= s.Length)
            {
                throw Error(s, pos, "unterminated escape");
            }

            var e = s[pos++];
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
                    if (pos + 4 > s.Length || !int.TryParse(s.Substring(pos, 4), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var code))
                    {
                        throw Error(s, pos, "bad \\u escape");
                    }

                    sb.Append((char)code);
                    pos += 4;
                    break;
                default:
                    throw Error(s, pos - 1, $"bad escape \\{e}");
            }
        }
    }

    private static void SkipWhite(string s, ref int pos)
    {
        while (pos < s.Length && s[pos] is ' ' or '\t' or '\r' or '\n' or '\uFEFF')
        {
            pos++;
        }
    }

    private static void Expect(string s, ref int pos, char c)
    {
        if (pos >= s.Length || s[pos] != c)
        {
            throw Error(s, pos, $"'{c}' was expected");
        }

        pos++;
    }

    private static FormatException Error(string s, int pos, string what)
    {
        var line = 1;
        var column = 1;
        for (var i = 0; i < pos && i < s.Length; i++)
        {
            if (s[i] == '\n')
            {
                line++;
                column = 1;
            }
            else
            {
                column++;
            }
        }

        return new FormatException($"JSON line {line}, column {column}: {what}.");
    }
}
