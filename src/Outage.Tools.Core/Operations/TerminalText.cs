using System.Text;

namespace Outage.Tools.Core.Operations;

/// <summary>
/// Text from mail, file names, queue listings and DNS made safe for a terminal: C0 control characters (ESC,
/// BEL, CR, LF, TAB…) become their Unicode control pictures (U+2400 block, ESC → ␛), DEL becomes ␡ and C1
/// controls (U+0080–U+009F, e.g. the one-byte CSI U+009B) become '?'. A hostile subject then cannot change the
/// window title, clear the screen or forge a line of output (ECMA-48 §5.3, §8.3).
/// </summary>
public static class TerminalText
{
    public static string Escape(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return text ?? string.Empty;
        }

        var i = 0;
        while (i < text!.Length && !IsControl(text[i]))
        {
            i++;
        }

        if (i == text.Length)
        {
            return text;
        }

        var sb = new StringBuilder(text.Length);
        sb.Append(text, 0, i);
        for (; i < text.Length; i++)
        {
            var c = text[i];
            sb.Append(c < 0x20 ? (char)(0x2400 + c) : c == 0x7F ? '\u2421' : c >= 0x80 && c <= 0x9F ? '?' : c);
        }

        return sb.ToString();
    }

    private static bool IsControl(char c) => c < 0x20 || (c >= 0x7F && c <= 0x9F);
}
