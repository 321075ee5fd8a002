using System;
using System.Collections;
using System.Globalization;
using System.Text;

namespace Outage.Tools.Core.Serialization;

/// <summary>
/// Writes JSON (RFC 8259) with escaping that is safe to embed in HTML script blocks (&lt;, &gt;, &amp; and
/// U+2028/2029 escaped). Values: null, bool, numbers, strings, DateTimeOffset (ISO 8601), TimeSpan (seconds),
/// enums (names), dictionaries and sequences. For history lines and the report's JSON.
/// </summary>
public static class JsonWriter
{
    public static string Serialize(object? value)
    {
        var sb = new StringBuilder();
        Write(sb, value, 0);
        return sb.ToString();
    }

    public static void Write(StringBuilder sb, object? value, int depth = 0)
    {
        if (sb is null)
        {
            throw new ArgumentNullException(nameof(sb));
        }

        if (depth > JsonValue.MaxDepth)
        {
            throw new InvalidOperationException("Value nested too deeply to write as JSON.");
        }

        switch (value)
        {
            case null:
                sb.Append("null");
                break;
            case bool b:
                sb.Append(b ? "true" : "false");
                break;
            case string s:
                WriteString(sb, s);
                break;
            case Enum e:
                WriteString(sb, e.ToString());
                break;
            case DateTimeOffset d:
                WriteString(sb, d.ToString("yyyy-MM-dd'T'HH:mm:ss.fffzzz", CultureInfo.InvariantCulture));
                break;
            case DateTime d:
                WriteString(sb, d.ToString("o", CultureInfo.InvariantCulture));
                break;
            case TimeSpan t:
                sb.Append(Math.Round(t.TotalSeconds, 3).ToString("R", CultureInfo.InvariantCulture));
                break;
            case double d:
                sb.Append(double.IsNaN(d) || double.IsInfinity(d) ? "null" : d.ToString("R", CultureInfo.InvariantCulture));
                break;
            case float f:
                Write(sb, (double)f, depth);
                break;
            case IFormattable n when value is int or long or short or byte or uint or ulong or ushort or sbyte or decimal:
                sb.Append(n.ToString(null, CultureInfo.InvariantCulture));
                break;
            case IDictionary dict:
                sb.Append('{');
                var first = true;
                foreach (DictionaryEntry entry in dict)
                {
                    if (!first)
                    {
                        sb.Append(',');
                    }

                    first = false;
                    WriteString(sb, Convert.ToString(entry.Key, CultureInfo.InvariantCulture) ?? string.Empty);
                    sb.Append(':');
                    Write(sb, entry.Value, depth + 1);
                }

                sb.Append('}');
                break;
            case IEnumerable list:
                sb.Append('[');
                var firstItem = true;
                foreach (var item in list)
                {
                    if (!firstItem)
                    {
                        sb.Append(',');
                    }

                    firstItem = false;
                    Write(sb, item, depth + 1);
                }

                sb.Append(']');
                break;
            default:
                WriteString(sb, Convert.ToString(value, CultureInfo.InvariantCulture) ?? string.Empty);
                break;
        }
    }

    public static void WriteString(StringBuilder sb, string s)
    {
        if (sb is null || s is null)
        {
            throw new ArgumentNullException(sb is null ? nameof(sb) : nameof(s));
        }

        sb.Append('"');
        foreach (var c in s)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                case '<': sb.Append("\\u003c"); break;
                case '>': sb.Append("\\u003e"); break;
                case '&': sb.Append("\\u0026"); break;
                case '\u2028': sb.Append("\\u2028"); break;
                case '\u2029': sb.Append("\\u2029"); break;
                default:
                    if (c < 0x20)
                    {
                        sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        sb.Append(c);
                    }

                    break;
            }
        }

        sb.Append('"');
    }
}
