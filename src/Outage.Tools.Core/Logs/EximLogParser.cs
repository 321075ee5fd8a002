using System;
using System.Globalization;

namespace Outage.Tools.Core.Logs;

/// <summary>
/// Reads Exim main log lines (Exim specification, chapter "Log files": "Log line flags", "Logging message reception",
/// "Logging deliveries", "Deferred deliveries", "Delivery failures", "Completion"):
/// "YYYY-MM-DD HH:MM:SS[.mmm][ +hhmm][ [pid]] [message id] [flag] text". The time is local to the server unless
/// log_timezone added an offset. Message ids are the old 16-character (6-6-2) or the new 23-character (6-11-4) form.
/// </summary>
public static class EximLogParser
{
    public static bool IsTimestamp(string line) =>
        line.Length >= 19 && line[4] == '-' && line[7] == '-' && line[10] == ' ' && line[13] == ':' && line[16] == ':'
        && LogClock.Digit(line[0]) >= 0 && LogClock.Digit(line[3]) >= 0;

    /// <summary>False when the line does not start with an Exim timestamp.</summary>
    public static bool Parse(string line, LogClock clock, out MailLogEvent? ev)
    {
        ev = null;
        if (!IsTimestamp(line) || !DateTime.TryParseExact(line.Substring(0, 19), "yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture,
                DateTimeStyles.None, out var wall))
        {
            return false;
        }

        var at = 19;
        if (at < line.Length && line[at] == '.')
        {
            var end = at + 1;
            while (end < line.Length && char.IsDigit(line[end]))
            {
                end++;
            }

            if (double.TryParse("0" + line.Substring(at, end - at), NumberStyles.Float, CultureInfo.InvariantCulture, out var fraction))
            {
                wall = wall.AddTicks((long)(fraction * TimeSpan.TicksPerSecond));
            }

            at = end;
        }

        DateTimeOffset time;
        if (at + 6 <= line.Length && line[at] == ' ' && (line[at + 1] == '+' || line[at + 1] == '-') && AllDigits(line, at + 2, 4))
        {
            var sign = line[at + 1] == '-' ? -1 : 1;
            var offset = new TimeSpan(int.Parse(line.Substring(at + 2, 2), CultureInfo.InvariantCulture),
                int.Parse(line.Substring(at + 4, 2), CultureInfo.InvariantCulture), 0);
            time = new DateTimeOffset(wall, sign < 0 ? offset.Negate() : offset);
            at += 6;
        }
        else
        {
            time = clock.Local(wall);
        }

        if (at + 1 < line.Length && line[at] == ' ' && line[at + 1] == '[')
        {
            var close = line.IndexOf(']', at);
            if (close > 0)
            {
                at = close + 1;
            }
        }

        var text = at < line.Length ? line.Substring(at).TrimStart(' ') : string.Empty;
        ev = new MailLogEvent { Time = time, Format = MailLogFormat.Exim, Program = "exim", Text = text, Action = "other" };
        var space = text.IndexOf(' ');
        var first = space < 0 ? text : text.Substring(0, space);
        if (!IsMessageId(first))
        {
            if (text.IndexOf(" rejected ", StringComparison.Ordinal) >= 0 || text.StartsWith("rejected ", StringComparison.Ordinal))
            {
                ev.Status = MailLogStatus.Rejected;
                ev.Action = "rejected";
                ev.Client = Field(text, "H=");
                var colon = text.IndexOf(": ", StringComparison.Ordinal);
                ev.Reason = colon > 0 ? text.Substring(colon + 2) : text;
            }

            return true;
        }

        ev.QueueId = first;
        var rest = space < 0 ? string.Empty : text.Substring(space + 1);
        var flagEnd = rest.IndexOf(' ');
        var flag = flagEnd < 0 ? rest : rest.Substring(0, flagEnd);
        var after = flagEnd < 0 ? string.Empty : rest.Substring(flagEnd + 1);
        switch (flag)
        {
            case "<=":
            case "(=":
                ev.Status = MailLogStatus.Received;
                ev.Action = flag;
                ev.Sender = Address(after);
                ev.Client = Field(after, "H=");
                ev.Size = PostfixLogParser.Long(Field(after, "S="));
                ev.MessageId = Field(after, "id=");
                break;
            case "=>":
            case "->":
            case "*>":
                ev.Status = MailLogStatus.Sent;
                ev.Action = flag;
                Recipient(ev, after);
                ev.Relay = Field(after, "H=");
                ev.Delay = Duration(Field(after, "QT="));
                break;
            case "==":
                ev.Status = MailLogStatus.Deferred;
                ev.Action = flag;
                Recipient(ev, after);
                ev.Relay = Field(after, "H=");
                ev.Reason = Reason(after);
                break;
            case "**":
                ev.Status = MailLogStatus.Bounced;
                ev.Action = flag;
                Recipient(ev, after);
                ev.Relay = Field(after, "H=");
                ev.Reason = Reason(after);
                break;
            case "Completed":
                ev.Status = MailLogStatus.Completed;
                ev.Action = flag;
                ev.Delay = Duration(Field(after, "QT="));
                break;
            default:
                if (rest.StartsWith("Frozen", StringComparison.Ordinal) || rest.StartsWith("Message is frozen", StringComparison.Ordinal))
                {
                    ev.Status = MailLogStatus.Frozen;
                    ev.Action = "frozen";
                    ev.Reason = rest;
                }
                else if (rest.IndexOf(" rejected ", StringComparison.Ordinal) >= 0)
                {
                    ev.Status = MailLogStatus.Rejected;
                    ev.Action = "rejected";
                    ev.Client = Field(rest, "H=");
                    var colon = rest.IndexOf(": ", StringComparison.Ordinal);
                    ev.Reason = colon > 0 ? rest.Substring(colon + 2) : rest;
                }

                break;
        }

        return true;
    }

    /// <summary>6-6-2 (old, 16 characters) or 6-11-4 (new, 23 characters), base 62 (base 36 on case-insensitive systems).</summary>
    public static bool IsMessageId(string s) =>
        (s.Length == 16 && s[6] == '-' && s[13] == '-' && Alnum(s, 0, 6) && Alnum(s, 7, 6) && Alnum(s, 14, 2))
        || (s.Length == 23 && s[6] == '-' && s[18] == '-' && Alnum(s, 0, 6) && Alnum(s, 7, 11) && Alnum(s, 19, 4));

    private static void Recipient(MailLogEvent ev, string after)
    {
        var space = after.IndexOf(' ');
        var address = space < 0 ? after : after.Substring(0, space);
        ev.Recipient = address.TrimEnd(':');
        if (space > 0 && space + 1 < after.Length && after[space + 1] == '<')
        {
            var close = after.IndexOf('>', space);
            if (close > 0)
            {
                ev.OriginalRecipient = after.Substring(space + 2, close - space - 2);
            }
        }
    }

    private static string? Address(string after)
    {
        var space = after.IndexOf(' ');
        var a = space < 0 ? after : after.Substring(0, space);
        return a == "<>" ? string.Empty : a;
    }

    // "== a@b R=r T=t defer (111): Connection refused" / "** a@b R=r T=t: SMTP error from remote mailer ...: 550 ..."
    private static string? Reason(string after)
    {
        // The deliver_time selector appends " DT=<time>" to == and ** lines too (Exim 4.96): a field, not the reason.
        var dt = after.LastIndexOf(" DT=", StringComparison.Ordinal);
        if (dt > 0 && after.IndexOf(' ', dt + 1) < 0 && Duration(after.Substring(dt + 4)) is not null)
        {
            after = after.Substring(0, dt);
        }

        var defer = after.IndexOf(" defer (", StringComparison.Ordinal);
        if (defer >= 0)
        {
            var close = after.IndexOf("): ", defer, StringComparison.Ordinal);
            return close > 0 ? after.Substring(close + 3) : after.Substring(defer + 1);
        }

        var colon = after.IndexOf(": ", StringComparison.Ordinal);
        return colon > 0 ? after.Substring(colon + 2) : null;
    }

    /// <summary>The value of " NAME=" up to the next space; H= keeps its "name [ip]" pair.</summary>
    internal static string? Field(string s, string name)
    {
        var at = s.StartsWith(name, StringComparison.Ordinal) ? 0 : s.IndexOf(" " + name, StringComparison.Ordinal) + 1;
        if (at <= 0 && !s.StartsWith(name, StringComparison.Ordinal))
        {
            return null;
        }

        var from = at + name.Length;
        if (from < s.Length && s[from] == '"')
        {
            var q = s.IndexOf('"', from + 1);
            return q < 0 ? s.Substring(from + 1) : s.Substring(from + 1, q - from - 1);
        }

        var end = s.IndexOf(' ', from);
        var value = end < 0 ? s.Substring(from) : s.Substring(from, end - from);
        if (name == "H=" && end > 0)
        {
            // H=name (helo) [ip]:port or H=name [ip]: keep through the bracketed address.
            var ip = s.IndexOf('[', end);
            var stop = s.IndexOf('=', end);
            if (ip > 0 && (stop < 0 || ip < stop))
            {
                var close = s.IndexOf(']', ip);
                if (close > 0)
                {
                    value = s.Substring(from, close + 1 - from);
                }
            }
        }

        return value;
    }

    /// <summary>Exim's readconf_printtime form: 1w2d3h4m5s, or fractional seconds with the millisec selector.</summary>
    internal static TimeSpan? Duration(string? s)
    {
        if (string.IsNullOrEmpty(s))
        {
            return null;
        }

        double total = 0;
        var number = 0.0;
        var start = 0;
        for (var i = 0; i < s!.Length; i++)
        {
            var c = s[i];
            if (char.IsDigit(c) || c == '.')
            {
                continue;
            }

            if (!double.TryParse(s.Substring(start, i - start), NumberStyles.Float, CultureInfo.InvariantCulture, out number))
            {
                return null;
            }

            total += c switch
            {
                'w' => number * 604800,
                'd' => number * 86400,
                'h' => number * 3600,
                'm' => number * 60,
                's' => number,
                _ => double.NaN,
            };
            start = i + 1;
        }

        return double.IsNaN(total) || start != s.Length ? null : TimeSpan.FromTicks((long)(total * TimeSpan.TicksPerSecond));
    }

    private static bool Alnum(string s, int from, int count)
    {
        for (var i = from; i < from + count; i++)
        {
            var c = s[i];
            if (!(c is >= '0' and <= '9' or >= 'A' and <= 'Z' or >= 'a' and <= 'z'))
            {
                return false;
            }
        }

        return true;
    }

    private static bool AllDigits(string s, int from, int count)
    {
        for (var i = from; i < from + count; i++)
        {
            if (LogClock.Digit(s[i]) < 0)
            {
                return false;
            }
        }

        return true;
    }
}
