using System;
using System.Globalization;
using System.Text;

namespace Outage.Tools.Core.Reporting;

/// <summary>
/// Escaping for text that came from mail or a server (subjects, addresses, banners, headers, error texts):
/// in HTML every markup character is an entity; in Markdown every character that could start markup, a link, an
/// image, raw HTML or a table cell is escaped, so hostile strings render as the text they are.
/// </summary>
public static class ReportText
{
    public static string Html(string? s)
    {
        if (string.IsNullOrEmpty(s))
        {
            return string.Empty;
        }

        var sb = new StringBuilder(s!.Length + 16);
        foreach (var c in s)
        {
            switch (c)
            {
                case '&': sb.Append("&amp;"); break;
                case '<': sb.Append("&lt;"); break;
                case '>': sb.Append("&gt;"); break;
                case '"': sb.Append("&quot;"); break;
                case '\'': sb.Append("&#39;"); break;
                default:
                    if ((c < 0x20 && c != '\n' && c != '\t') || IsInvisibleControl(c))
                    {
                        sb.Append("&#xFFFD;");
                    }
                    else
                    {
                        sb.Append(c);
                    }

                    break;
            }
        }

        return sb.ToString();
    }

    /// <summary>Markdown text on one line (also safe inside a table cell).</summary>
    public static string Markdown(string? s)
    {
        if (string.IsNullOrEmpty(s))
        {
            return string.Empty;
        }

        var sb = new StringBuilder(s!.Length + 16);
        foreach (var c in s)
        {
            switch (c)
            {
                case '<': sb.Append("&lt;"); break;
                case '>': sb.Append("&gt;"); break;
                case '&': sb.Append("&amp;"); break;
                case '\r':
                case '\n': sb.Append(' '); break;
                case '\\': case '`': case '*': case '_': case '{': case '}': case '[': case ']': case '(': case ')':
                case '#': case '+': case '-': case '.': case '!': case '|': case '~': case ':': case '"': case '\'':
                    sb.Append('\\').Append(c);
                    break;
                default:
                    if (IsInvisibleControl(c))
                    {
                        sb.Append('\uFFFD');
                    }
                    else if (c >= 0x20)
                    {
                        sb.Append(c);
                    }

                    break;
            }
        }

        return sb.ToString();
    }

    /// <summary>
    /// DEL, the C1 controls (U+0080-U+009F: U+009B is a one-character CSI to a terminal) and the Unicode
    /// bidirectional controls (U+061C, U+200E/F, U+202A-U+202E, U+2066-U+2069: they reorder the text a reader sees,
    /// Unicode TR #9) — never rendered from attacker-controlled text; shown as U+FFFD instead.
    /// </summary>
    public static bool IsInvisibleControl(char c) =>
        (c >= 0x7f && c <= 0x9f) || c == '\u061C' || c == '\u200E' || c == '\u200F' || (c >= '\u202A' && c <= '\u202E') ||
        (c >= '\u2066' && c <= '\u2069');

    /// <summary>A Prometheus sample value (text exposition format 0.0.4): a Go float, with NaN, +Inf and -Inf spelt as Prometheus reads them.</summary>
    public static string PrometheusValue(double v) =>
        double.IsNaN(v) ? "NaN" : double.IsPositiveInfinity(v) ? "+Inf" : double.IsNegativeInfinity(v) ? "-Inf" : v.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>A Prometheus label value (exposition format: backslash, double quote and newline escaped).</summary>
    public static string PrometheusLabel(string? s) =>
        (s ?? string.Empty).Replace("\\", "\\\\").Replace("\"", "\\\"").Replace("\n", "\\n").Replace("\r", string.Empty);

    public static string Duration(TimeSpan t) =>
        t.TotalSeconds < 1 ? $"{t.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture)} ms"
        : t.TotalMinutes < 1 ? $"{t.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)} s"
        : t.TotalHours < 1 ? $"{(int)t.TotalMinutes} min"
        : t.TotalDays < 1 ? $"{(int)t.TotalHours} h {t.Minutes} min"
        : $"{(int)t.TotalDays} d {t.Hours} h";

    public static string Time(DateTimeOffset t) => t.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);
}
