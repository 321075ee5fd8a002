using System;
using System.Collections.Generic;
using System.IO;
using System.Text;

namespace Outage.Tools.Core.Headers;

/// <summary>One header field of a message, unfolded, with the line it starts on (1-based).</summary>
public sealed class HeaderField
{
    public HeaderField(string name, string value, int line)
    {
        Name = name;
        Value = value;
        Line = line;
    }

    public string Name { get; }

    public string Value { get; }

    public int Line { get; }

    public override string ToString() => $"{Name}: {Value}";
}

/// <summary>
/// Reads the header section of a message (RFC 5322 section 2.2: "field-name: value", folded lines start with white
/// space; section 2.2.3: unfolding removes the line break). A leading mbox "From " line and blank lines before the first
/// field are skipped, as Message Header Analyzer does with pasted headers. Bounded: at most
/// <see cref="MaximumLines"/> lines and <see cref="MaximumFieldLength"/> characters per field.
/// </summary>
public static class HeaderSection
{
    public const int MaximumLines = 100_000;

    public const int MaximumFieldLength = 256 * 1024;

    /// <summary>The fields in file order; lines that are neither a field nor a continuation are skipped.</summary>
    public static List<HeaderField> Read(TextReader reader)
    {
        var fields = new List<HeaderField>();
        string? name = null;
        StringBuilder? value = null;
        var start = 0;
        var number = 0;
        var seen = false;
        string? line;
        while ((line = reader.ReadLine()) is not null && number < MaximumLines)
        {
            number++;
            if (line.Length == 0)
            {
                if (seen)
                {
                    break;
                }

                continue;
            }

            if (line[0] == ' ' || line[0] == '\t')
            {
                if (value is not null && value.Length < MaximumFieldLength)
                {
                    value.Append(' ').Append(line.Trim());
                }

                continue;
            }

            Flush();
            if (!seen && line.StartsWith("From ", StringComparison.Ordinal))
            {
                continue; // mbox separator
            }

            seen = true;
            var colon = line.IndexOf(':');
            if (colon > 0 && IsFieldName(line, colon))
            {
                name = line.Substring(0, colon).TrimEnd();
                value = new StringBuilder(line.Substring(colon + 1).Trim());
                start = number;
            }
        }

        Flush();
        return fields;

        void Flush()
        {
            if (name is not null && value is not null)
            {
                fields.Add(new HeaderField(name, value.ToString(), start));
            }

            name = null;
            value = null;
        }
    }

    // RFC 5322 section 3.6.8: printable US-ASCII except ':'; trailing white space before the colon is tolerated (obs-).
    internal static bool IsFieldName(string line, int colon)
    {
        var end = colon;
        while (end > 0 && (line[end - 1] == ' ' || line[end - 1] == '\t'))
        {
            end--;
        }

        if (end == 0)
        {
            return false;
        }

        for (var i = 0; i < end; i++)
        {
            if (line[i] <= ' ' || line[i] > '~')
            {
                return false;
            }
        }

        return true;
    }
}
