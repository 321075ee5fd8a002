using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;

namespace Outage.Tools.Core.Headers;

/// <summary>One Received header field (RFC 5321 section 4.4, RFC 5322 section 3.6.7) as a hop, oldest hop first.</summary>
public sealed class ReceivedHop
{
    /// <summary>The message file (or "&lt;content&gt;", or the queued message's name).</summary>
    public string Source { get; set; } = string.Empty;

    /// <summary>1 for the oldest (bottom) Received header.</summary>
    public int Hop { get; set; }

    public string? From { get; set; }

    public string? By { get; set; }

    public string? With { get; set; }

    public string? Id { get; set; }

    public string? For { get; set; }

    public string? Via { get; set; }

    /// <summary>The date after the last ';', or null when missing or unreadable (<see cref="DateMissing"/>).</summary>
    public DateTimeOffset? Date { get; set; }

    /// <summary>This hop's date minus the previous dated hop's; negative is clock skew (<see cref="ClockSkew"/>).</summary>
    public TimeSpan? Delay { get; set; }

    public bool DateMissing { get; set; }

    /// <summary>The delay is negative: one of the two servers' clocks is wrong (never hidden or clamped).</summary>
    public bool ClockSkew { get; set; }

    /// <summary>The message's last dated hop minus its first (the same on every hop of a message).</summary>
    public TimeSpan? TotalDelay { get; set; }

    /// <summary>The header value, unfolded.</summary>
    public string Raw { get; set; } = string.Empty;
}

/// <summary>
/// Reads the Received chain of a message the way Microsoft's Message Header Analyzer does (Received.ts, described
/// in ../shared/reference/new-capabilities.md section 2.3-2.5), with two corrections: a keyword inside a
/// parenthesised comment ("(from userid 0)", "(qmail 123 invoked from network)") does not start a field, and a date
/// without a zone is read as UTC only as MHA does, with the hop flagged nowhere else. The date is the text after
/// the last ';' (RFC 5322 section 3.6.7: "received: ... ; date-time"); hops are returned oldest first with the delay
/// from the previous dated hop.
/// </summary>
public static class ReceivedChain
{
    private static readonly string[] Keywords = { "from", "by", "with", "id", "for", "via" };

    /// <summary>The unfolded values of the Received fields of a header section, in file order (newest first).</summary>
    public static List<string> ReceivedFields(TextReader reader)
    {
        var fields = new List<string>();
        StringBuilder? current = null;
        string? line;
        var seen = false;
        var lines = 0;
        while ((line = reader.ReadLine()) is not null && lines++ < 100_000)
        {
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
                current?.Append(' ').Append(line.Trim());
                continue;
            }

            if (current is not null)
            {
                fields.Add(current.ToString());
                current = null;
            }

            if (line.StartsWith("From ", StringComparison.Ordinal) && !seen)
            {
                continue; // mbox separator
            }

            seen = true;
            var colon = line.IndexOf(':');
            // The field-name rule of HeaderSection (RFC 5322 §3.6.8 with obs WSP before the colon): a name that only
            // looks like "Received" after trimming other white space (VT, FF) is not one, for the report and the hops alike.
            if (colon > 0 && HeaderSection.IsFieldName(line, colon) && string.Equals(line.Substring(0, colon).TrimEnd(), "Received", StringComparison.OrdinalIgnoreCase))
            {
                current = new StringBuilder(line.Substring(colon + 1).Trim());
            }
        }

        if (current is not null)
        {
            fields.Add(current.ToString());
        }

        return fields;
    }

    /// <summary>The hops of Received values given newest first (as in the message), returned oldest first.</summary>
    public static List<ReceivedHop> Hops(IReadOnlyList<string> receivedNewestFirst)
    {
        var hops = new List<ReceivedHop>(receivedNewestFirst.Count);
        for (var i = receivedNewestFirst.Count - 1; i >= 0; i--)
        {
            var hop = Parse(receivedNewestFirst[i]);
            hop.Hop = hops.Count + 1;
            hops.Add(hop);
        }

        DateTimeOffset? previous = null;
        foreach (var hop in hops)
        {
            if (hop.Date is null)
            {
                continue;
            }

            if (previous is not null)
            {
                hop.Delay = hop.Date - previous;
                hop.ClockSkew = hop.Delay < TimeSpan.Zero;
            }

            previous = hop.Date;
        }

        var total = Total(hops);
        foreach (var hop in hops)
        {
            hop.TotalDelay = total;
        }

        return hops;
    }

    /// <summary>Last dated hop minus first dated hop (negative if the clocks say so), or null with fewer than two dates.</summary>
    public static TimeSpan? Total(IReadOnlyList<ReceivedHop> hops)
    {
        DateTimeOffset? first = null, last = null;
        var dated = 0;
        foreach (var h in hops)
        {
            if (h.Date is { } d)
            {
                first ??= d;
                last = d;
                dated++;
            }
        }

        return dated >= 2 ? last - first : null;
    }

    public static ReceivedHop Parse(string value)
    {
        var text = value.Replace('\r', ' ').Replace('\n', ' ').Trim();
        var hop = new ReceivedHop { Raw = text };
        var semicolon = LastSemicolonOutsideComments(text);
        var clauses = text;
        if (semicolon >= 0)
        {
            hop.Date = ParseDate(text.Substring(semicolon + 1));
            clauses = text.Substring(0, semicolon);
        }

        hop.DateMissing = hop.Date is null;
        var fields = new Dictionary<string, StringBuilder>(StringComparer.OrdinalIgnoreCase);
        string? key = null;
        var depth = 0;
        foreach (var token in clauses.Split(new[] { ' ', '\t' }, StringSplitOptions.RemoveEmptyEntries))
        {
            if (depth == 0 && Array.IndexOf(Keywords, token.ToLowerInvariant()) >= 0)
            {
                key = token.ToLowerInvariant();
                if (fields.TryGetValue(key, out var again))
                {
                    again.Append("; "); // a repeated clause is kept, as MHA does
                }
                else
                {
                    fields[key] = new StringBuilder();
                }
            }
            else if (key is not null)
            {
                var sb = fields[key];
                if (sb.Length > 0 && !sb.ToString().EndsWith("; ", StringComparison.Ordinal))
                {
                    sb.Append(' ');
                }

                sb.Append(token);
            }

            foreach (var c in token)
            {
                depth += c == '(' ? 1 : c == ')' && depth > 0 ? -1 : 0;
            }
        }

        string? Get(string k) => fields.TryGetValue(k, out var sb) && sb.Length > 0 ? sb.ToString() : null;
        hop.From = Get("from");
        hop.By = Get("by");
        hop.With = Get("with");
        hop.Id = Get("id")?.TrimEnd(';');
        hop.For = Get("for")?.TrimEnd(';');
        hop.Via = Get("via");
        return hop;
    }

    private static int LastSemicolonOutsideComments(string s)
    {
        var depth = 0;
        var last = -1;
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            if (c == '(')
            {
                depth++;
            }
            else if (c == ')' && depth > 0)
            {
                depth--;
            }
            else if (c == ';' && depth == 0)
            {
                last = i;
            }
        }

        return last;
    }

    /// <summary>
    /// RFC 5322 section 3.3 date-time, leniently: comments and the day name dropped, obsolete zones (UT, GMT, EST...,
    /// section 4.3) mapped, a missing zone read as UTC (as MHA does).
    /// </summary>
    public static DateTimeOffset? ParseDate(string text)
    {
        var sb = new StringBuilder();
        var depth = 0;
        foreach (var c in text)
        {
            if (c == '(')
            {
                depth++;
            }
            else if (c == ')' && depth > 0)
            {
                depth--;
            }
            else if (depth == 0)
            {
                sb.Append(c);
            }
        }

        var parts = new List<string>(sb.ToString().Split(new[] { ' ', '\t', ',' }, StringSplitOptions.RemoveEmptyEntries));
        if (parts.Count > 0 && parts[0].Length == 3 && char.IsLetter(parts[0][0]) && Array.IndexOf(Days, parts[0].ToLowerInvariant()) >= 0)
        {
            parts.RemoveAt(0);
        }

        if (parts.Count < 4)
        {
            return null;
        }

        var zone = TimeSpan.Zero;
        if (parts.Count >= 5)
        {
            var z = parts[4];
            if ((z[0] == '+' || z[0] == '-') && z.Length == 5 && int.TryParse(z.Substring(1), NumberStyles.None, CultureInfo.InvariantCulture, out var hhmm))
            {
                if (hhmm % 100 > 59 || hhmm > 1400)
                {
                    return null; // no real zone (RFC 5322 section 3.3 allows 4 digits; offsets end at +-14:00)
                }

                zone = new TimeSpan(hhmm / 100, hhmm % 100, 0);
                if (z[0] == '-')
                {
                    zone = zone.Negate();
                }
            }
            else
            {
                zone = z.ToUpperInvariant() switch
                {
                    "EDT" => TimeSpan.FromHours(-4),
                    "EST" or "CDT" => TimeSpan.FromHours(-5),
                    "CST" or "MDT" => TimeSpan.FromHours(-6),
                    "MST" or "PDT" => TimeSpan.FromHours(-7),
                    "PST" => TimeSpan.FromHours(-8),
                    _ => TimeSpan.Zero,
                };
            }
        }

        var time = parts[3];
        var dot = time.IndexOf('.');
        var fraction = 0.0;
        if (dot > 0)
        {
            double.TryParse("0" + time.Substring(dot), NumberStyles.Float, CultureInfo.InvariantCulture, out fraction);
            time = time.Substring(0, dot);
        }

        var year = parts[2].Length == 2 && int.TryParse(parts[2], out var yy) ? (yy < 50 ? 2000 + yy : 1900 + yy).ToString(CultureInfo.InvariantCulture) : parts[2];
        if (!DateTime.TryParseExact($"{parts[0]} {parts[1]} {year} {time}", new[] { "d MMM yyyy H:mm:ss", "d MMM yyyy H:mm" }, CultureInfo.InvariantCulture,
                DateTimeStyles.None, out var wall))
        {
            return null;
        }

        if (double.IsNaN(fraction) || fraction < 0 || fraction >= 1)
        {
            fraction = 0;
        }

        try
        {
            return new DateTimeOffset(wall.AddTicks((long)(fraction * TimeSpan.TicksPerSecond)), zone);
        }
        catch (ArgumentOutOfRangeException)
        {
            return null; // at the ends of the calendar the zone takes the time out of range (found by the headers fuzz target)
        }
    }

    private static readonly string[] Days = { "mon", "tue", "wed", "thu", "fri", "sat", "sun" };
}
