using System;
using System.Globalization;

namespace Outage.Tools.Core.Logs;

/// <summary>
/// Reads Postfix log lines: "&lt;timestamp&gt; &lt;host&gt; postfix[-x]/&lt;daemon&gt;[pid]: [level: ]&lt;queue id&gt;: &lt;text&gt;".
/// Timestamps: traditional syslog (RFC 3164), RFC 3339 (rsyslog's high-precision format) and postlogd's
/// maillog_file ("%b %d %H:%M:%S", first host label; Postfix MAILLOG_README, src/util/msg_logger.c). The texts are
/// those of src/global/log_adhoc.c (to=, relay=, delay=, delays=, dsn=, status=), qmgr (from=, size=, nrcpt=;
/// status=expired), cleanup (message-id=), smtpd (client=, NOQUEUE reject:) and pickup.
/// Lines of other programs are not Postfix's and are skipped without a warning.
/// </summary>
public static class PostfixLogParser
{
    /// <summary>The result of reading one line.</summary>
    public enum LineKind
    {
        Event,
        NotPostfix,
        Invalid,
    }

    private static readonly string[] Levels = { "warning: ", "error: ", "fatal: ", "panic: " };

    public static LineKind Parse(string line, LogClock clock, string syslogName, out MailLogEvent? ev)
    {
        ev = null;
        var at = clock.TryTraditional(line, out var time);
        if (at == 0)
        {
            at = LogClock.TryRfc3339(line, out time);
            if (at == 0)
            {
                return LineKind.Invalid;
            }
        }

        // host
        var hostStart = at + 1;
        while (hostStart < line.Length && line[hostStart] == ' ')
        {
            hostStart++;
        }

        var hostEnd = line.IndexOf(' ', hostStart);
        if (hostEnd < 0)
        {
            return LineKind.Invalid;
        }

        var programStart = hostEnd + 1;
        // Solaris syslog's "[ID nnn facility.level]" before the program (pflogsumm strips it too).
        if (string.CompareOrdinal(line, programStart, "[ID ", 0, 4) == 0)
        {
            var close = line.IndexOf("] ", programStart, StringComparison.Ordinal);
            if (close > 0)
            {
                programStart = close + 2;
            }
        }

        var colon = line.IndexOf(": ", programStart, StringComparison.Ordinal);
        if (colon < 0)
        {
            return LineKind.NotPostfix;
        }

        var bracket = line.IndexOf('[', programStart, colon - programStart);
        var program = clock.Intern(line, programStart, (bracket < 0 ? colon : bracket) - programStart);
        if (!IsPostfix(program, syslogName))
        {
            return LineKind.NotPostfix;
        }

        ev = new MailLogEvent
        {
            Time = time,
            Format = MailLogFormat.Postfix,
            Host = clock.Intern(line, hostStart, hostEnd - hostStart),
            Program = program,
        };
        ev.SetText(line, colon + 2);
        Classify(ev, line, colon + 2);
        return LineKind.Event;
    }

    private static bool IsPostfix(string program, string syslogName)
    {
        if (program.StartsWith("postfix", StringComparison.Ordinal))
        {
            // postfix/smtp, postfix-out/smtp, postfix/submission/smtpd; without a slash only the postfix command
            // and postfix-script log.
            return program.IndexOf('/') > 0 || program == "postfix" || program == "postfix-script";
        }

        return program == syslogName
            || (program.Length > syslogName.Length && program[syslogName.Length] == '/' && program.StartsWith(syslogName, StringComparison.Ordinal));
    }

    private static bool At(string s, int at, string what) =>
        s.Length - at >= what.Length && string.CompareOrdinal(s, at, what, 0, what.Length) == 0;

    // The text starts at t (after "program[pid]: "); offsets into the line avoid a copy of it per line.
    private static void Classify(MailLogEvent ev, string line, int t)
    {
        foreach (var level in Levels)
        {
            if (At(line, t, level))
            {
                ev.Status = MailLogStatus.Warning;
                ev.Action = level.Substring(0, level.Length - 2);
                ev.Reason = line.Substring(t + level.Length);
                return;
            }
        }

        var sep = line.IndexOf(": ", t, StringComparison.Ordinal);
        if (sep <= t || !IsQueueId(line, t, sep - t))
        {
            ev.Action = "other";
            return;
        }

        if (!(sep - t == 7 && At(line, t, "NOQUEUE")))
        {
            ev.QueueId = line.Substring(t, sep - t);
        }

        var r = sep + 2;
        if (At(line, r, "to=<"))
        {
            Delivery(ev, line, r);
        }
        else if (At(line, r, "client="))
        {
            ev.Status = MailLogStatus.Received;
            ev.Action = "client";
            ev.Client = Value(line, r + 7);
        }
        else if (At(line, r, "message-id="))
        {
            ev.Status = MailLogStatus.Queued;
            ev.Action = "message-id";
            ev.MessageId = Value(line, r + 11);
        }
        else if (At(line, r, "from=<"))
        {
            var close = line.IndexOf('>', r + 6);
            ev.Sender = close < 0 ? line.Substring(r + 6) : line.Substring(r + 6, close - r - 6);
            if (line.IndexOf(", status=expired", r, StringComparison.Ordinal) > 0)
            {
                ev.Status = MailLogStatus.Expired;
                ev.Action = "status=expired";
                ev.Reason = "returned to sender";
            }
            else
            {
                ev.Status = MailLogStatus.Queued;
                ev.Action = "from";
                ev.Size = Number(line, ", size=", r);
            }
        }
        else if (ev.Program!.EndsWith("/pickup", StringComparison.Ordinal) && (At(line, r, "uid=") || At(line, r, "sender=")))
        {
            ev.Status = MailLogStatus.Received;
            ev.Action = "pickup";
            var from = line.IndexOf("from=<", r, StringComparison.Ordinal);
            if (from >= 0)
            {
                var close = line.IndexOf('>', from + 6);
                ev.Sender = close < 0 ? null : line.Substring(from + 6, close - from - 6);
            }
        }
        else if (line.Length - r == 7 && At(line, r, "removed"))
        {
            ev.Status = MailLogStatus.Completed;
            ev.Action = "removed";
        }
        else if (At(line, r, "reject: ") || At(line, r, "milter-reject: "))
        {
            Reject(ev, line.Substring(r));
        }
        else
        {
            var word = line.IndexOf(':', r);
            ev.Action = word > r && word - r < 20 && line.IndexOf(' ', r, word - r) < 0 ? line.Substring(r, word - r) : "other";
        }
    }

    // log_adhoc.c: to=<r>[, orig_to=<o>], relay=R[, conn_use=N], delay=D, delays=a/b/c/d, dsn=X.Y.Z, status=S (text)
    private static void Delivery(MailLogEvent ev, string line, int r)
    {
        var close = line.IndexOf(">, ", r + 4, StringComparison.Ordinal);
        if (close < 0)
        {
            close = line.IndexOf('>', r + 4);
        }

        ev.Recipient = close < 0 ? line.Substring(r + 4) : line.Substring(r + 4, close - r - 4);
        var orig = Field(line, ", orig_to=<", r);
        if (orig is not null)
        {
            ev.OriginalRecipient = orig.TrimEnd('>');
        }

        ev.Relay = Field(line, ", relay=", r);
        ev.Delay = SecondsAt(line, ", delay=", r, out _);
        var delays = line.IndexOf(", delays=", r, StringComparison.Ordinal);
        if (delays >= 0)
        {
            var at = delays + 9;
            ev.DelayBeforeQueueManager = SecondsAt(line, at, out at);
            ev.DelayInQueueManager = at < line.Length && line[at] == '/' ? SecondsAt(line, at + 1, out at) : null;
            ev.DelayConnection = at < line.Length && line[at] == '/' ? SecondsAt(line, at + 1, out at) : null;
            ev.DelayTransmission = at < line.Length && line[at] == '/' ? SecondsAt(line, at + 1, out _) : null;
        }

        ev.Dsn = Field(line, ", dsn=", r);
        var status = line.IndexOf(", status=", r, StringComparison.Ordinal);
        if (status < 0)
        {
            ev.Action = "to";
            return;
        }

        var word = status + 9;
        var space = line.IndexOf(' ', word);
        var value = space < 0 ? line.Substring(word) : line.Substring(word, space - word);
        (ev.Status, ev.Action) = value switch
        {
            "sent" => (MailLogStatus.Sent, "status=sent"),
            "deferred" => (MailLogStatus.Deferred, "status=deferred"),
            "bounced" => (MailLogStatus.Bounced, "status=bounced"),
            "expired" => (MailLogStatus.Expired, "status=expired"),
            _ => (MailLogStatus.Other, "status=" + value),
        };
        if (space > 0 && space + 1 < line.Length && line[space + 1] == '(')
        {
            var end = line.LastIndexOf(')');
            ev.Reason = end > space + 1 ? line.Substring(space + 2, end - space - 2) : line.Substring(space + 2);
        }
    }

    // smtpd: NOQUEUE: reject: RCPT from host[ip]: 554 5.7.1 <r>: Relay access denied; from=<s> to=<r> proto=ESMTP helo=<h>
    // cleanup: QID: reject: header Subject: x from host[ip]; from=<s> to=<r> proto=ESMTP helo=<h>: 5.7.1 text
    private static void Reject(MailLogEvent ev, string rest)
    {
        ev.Status = MailLogStatus.Rejected;
        var kw = rest.IndexOf(": ", StringComparison.Ordinal);
        ev.Action = rest.Substring(0, kw);
        var body = rest.Substring(kw + 2);
        var fromAt = body.IndexOf(" from ", StringComparison.Ordinal);
        if (fromAt >= 0)
        {
            var hostEnd = body.IndexOf("]", fromAt, StringComparison.Ordinal);
            if (hostEnd > 0)
            {
                ev.Client = body.Substring(fromAt + 6, hostEnd + 1 - fromAt - 6);
            }
        }

        var envelope = body.LastIndexOf("; from=<", StringComparison.Ordinal);
        if (envelope >= 0)
        {
            ev.Sender = Angle(body, envelope + 8);
            var to = body.IndexOf(" to=<", envelope, StringComparison.Ordinal);
            if (to >= 0)
            {
                ev.Recipient = Angle(body, to + 5);
            }
        }

        // The reason: the SMTP reply after "from host[ip]: " (smtpd), or after the envelope's ": " (cleanup).
        string reason;
        var reply = body.IndexOf("]: ", StringComparison.Ordinal);
        if (reply >= 0 && (envelope < 0 || reply < envelope))
        {
            reason = envelope > reply ? body.Substring(reply + 3, envelope - reply - 3) : body.Substring(reply + 3);
        }
        else if (envelope >= 0)
        {
            var colon = body.IndexOf(": ", envelope, StringComparison.Ordinal);
            reason = colon > 0 ? body.Substring(colon + 2) : body;
        }
        else
        {
            reason = body;
        }

        ev.Reason = reason;
        var code = reason.IndexOf(' ');
        if (code == 3)
        {
            var dsn = reason.IndexOf(' ', 4);
            if (dsn > 4 && reason[5] == '.')
            {
                ev.Dsn = reason.Substring(4, dsn - 4);
            }
        }
    }

    private static bool IsQueueId(string text, int start, int length)
    {
        // Short ids are hex, long ids (enable_long_queue_ids) base 52 with a 'z' separator; NOQUEUE before a reject.
        if (length < 5 || length > 32)
        {
            return false;
        }

        for (var i = start; i < start + length; i++)
        {
            var c = text[i];
            if (!(c is >= '0' and <= '9' or >= 'A' and <= 'Z' or >= 'a' and <= 'z'))
            {
                return false;
            }
        }

        return true;
    }

    private static string Value(string s, int from)
    {
        var end = s.IndexOf(", ", from, StringComparison.Ordinal);
        return end < 0 ? s.Substring(from) : s.Substring(from, end - from);
    }

    private static string? Angle(string s, int from)
    {
        var end = s.IndexOf('>', from);
        return end < 0 ? null : s.Substring(from, end - from);
    }

    /// <summary>The value of ", name=" (searched from <paramref name="start"/>) up to the next ", " (or the end).</summary>
    internal static string? Field(string s, string name, int start = 0)
    {
        var at = s.IndexOf(name, start, StringComparison.Ordinal);
        if (at < 0)
        {
            return null;
        }

        var from = at + name.Length;
        var end = s.IndexOf(", ", from, StringComparison.Ordinal);
        return end < 0 ? s.Substring(from) : s.Substring(from, end - from);
    }

    private static long? Number(string s, string name, int start)
    {
        var at = s.IndexOf(name, start, StringComparison.Ordinal);
        if (at < 0)
        {
            return null;
        }

        long v = 0;
        var i = at + name.Length;
        var first = i;
        for (; i < s.Length && s[i] >= '0' && s[i] <= '9' && i - first < 18; i++)
        {
            v = (v * 10) + (s[i] - '0');
        }

        return i > first ? v : null;
    }

    private static TimeSpan? SecondsAt(string s, string name, int start, out int end)
    {
        var at = s.IndexOf(name, start, StringComparison.Ordinal);
        if (at < 0)
        {
            end = start;
            return null;
        }

        return SecondsAt(s, at + name.Length, out end);
    }

    /// <summary>
    /// A Postfix delay ("12", "0.55", "1e-05" never occurs: postconf(5) delay_logging_resolution_limit, at most 6
    /// decimals) read in place; <paramref name="end"/> is the index after it.
    /// </summary>
    internal static TimeSpan? SecondsAt(string s, int at, out int end)
    {
        long whole = 0;
        long fraction = 0;
        long scale = TimeSpan.TicksPerSecond;
        var i = at;
        for (; i < s.Length && s[i] >= '0' && s[i] <= '9' && i - at < 12; i++)
        {
            whole = (whole * 10) + (s[i] - '0');
        }

        var digits = i - at;
        if (i < s.Length && s[i] == '.')
        {
            for (i++; i < s.Length && s[i] >= '0' && s[i] <= '9'; i++)
            {
                if (scale >= 10)
                {
                    scale /= 10;
                    fraction += (s[i] - '0') * scale;
                }

                digits++;
            }
        }

        end = i;
        return digits == 0 ? null : TimeSpan.FromTicks((whole * TimeSpan.TicksPerSecond) + fraction);
    }

    internal static TimeSpan? Seconds(string? s) =>
        s is not null && double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && v >= 0 && v < 1e9
            ? TimeSpan.FromTicks((long)(v * TimeSpan.TicksPerSecond))
            : null;

    internal static long? Long(string? s) =>
        s is not null && long.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : null;
}
