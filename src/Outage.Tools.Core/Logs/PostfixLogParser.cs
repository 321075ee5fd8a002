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
        var program = line.Substring(programStart, (bracket < 0 ? colon : bracket) - programStart);
        if (!IsPostfix(program, syslogName))
        {
            return LineKind.NotPostfix;
        }

        var text = line.Substring(colon + 2);
        ev = new MailLogEvent
        {
            Time = time,
            Format = MailLogFormat.Postfix,
            Host = line.Substring(hostStart, hostEnd - hostStart),
            Program = program,
            Text = text,
        };
        Classify(ev, text);
        return LineKind.Event;
    }

    private static bool IsPostfix(string program, string syslogName)
    {
        if (program.Length == 0)
        {
            return false;
        }

        var slash = program.IndexOf('/');
        var name = slash < 0 ? program : program.Substring(0, slash);
        if (slash < 0)
        {
            // postfix-script, postfix (postsuper/postqueue log as "postfix/...", but the postfix command as "postfix").
            return name == "postfix" || name == "postfix-script" || name == syslogName;
        }

        return name.StartsWith("postfix", StringComparison.Ordinal) || name == syslogName;
    }

    private static void Classify(MailLogEvent ev, string text)
    {
        foreach (var level in new[] { "warning: ", "error: ", "fatal: ", "panic: " })
        {
            if (text.StartsWith(level, StringComparison.Ordinal))
            {
                ev.Status = MailLogStatus.Warning;
                ev.Action = level.Substring(0, level.Length - 2);
                ev.Reason = text.Substring(level.Length);
                return;
            }
        }

        var sep = text.IndexOf(": ", StringComparison.Ordinal);
        if (sep <= 0 || !IsQueueId(text, sep))
        {
            ev.Action = "other";
            return;
        }

        var qid = text.Substring(0, sep);
        if (qid != "NOQUEUE")
        {
            ev.QueueId = qid;
        }

        var rest = text.Substring(sep + 2);
        if (rest.StartsWith("to=<", StringComparison.Ordinal))
        {
            Delivery(ev, rest);
        }
        else if (rest.StartsWith("client=", StringComparison.Ordinal))
        {
            ev.Status = MailLogStatus.Received;
            ev.Action = "client";
            ev.Client = Value(rest, 7);
        }
        else if (rest.StartsWith("message-id=", StringComparison.Ordinal))
        {
            ev.Status = MailLogStatus.Queued;
            ev.Action = "message-id";
            ev.MessageId = Value(rest, 11);
        }
        else if (rest.StartsWith("from=<", StringComparison.Ordinal))
        {
            var close = rest.IndexOf('>', 6);
            ev.Sender = close < 0 ? rest.Substring(6) : rest.Substring(6, close - 6);
            if (rest.IndexOf(", status=expired", StringComparison.Ordinal) > 0)
            {
                ev.Status = MailLogStatus.Expired;
                ev.Action = "status=expired";
                ev.Reason = "returned to sender";
            }
            else
            {
                ev.Status = MailLogStatus.Queued;
                ev.Action = "from";
                ev.Size = Long(Field(rest, "size="));
            }
        }
        else if (ev.Program!.EndsWith("/pickup", StringComparison.Ordinal) && (rest.StartsWith("uid=", StringComparison.Ordinal) || rest.StartsWith("sender=", StringComparison.Ordinal)))
        {
            ev.Status = MailLogStatus.Received;
            ev.Action = "pickup";
            var from = rest.IndexOf("from=<", StringComparison.Ordinal);
            if (from >= 0)
            {
                var close = rest.IndexOf('>', from + 6);
                ev.Sender = close < 0 ? null : rest.Substring(from + 6, close - from - 6);
            }
        }
        else if (rest == "removed")
        {
            ev.Status = MailLogStatus.Completed;
            ev.Action = "removed";
        }
        else if (rest.StartsWith("reject: ", StringComparison.Ordinal) || rest.StartsWith("milter-reject: ", StringComparison.Ordinal))
        {
            Reject(ev, rest);
        }
        else
        {
            var word = rest.IndexOf(':');
            ev.Action = word > 0 && word < 20 && rest.IndexOf(' ', 0, word) < 0 ? rest.Substring(0, word) : "other";
        }
    }

    // log_adhoc.c: to=<r>[, orig_to=<o>], relay=R[, conn_use=N], delay=D, delays=a/b/c/d, dsn=X.Y.Z, status=S (text)
    private static void Delivery(MailLogEvent ev, string rest)
    {
        var close = rest.IndexOf(">, ", 4, StringComparison.Ordinal);
        if (close < 0)
        {
            close = rest.IndexOf('>', 4);
        }

        ev.Recipient = close < 0 ? rest.Substring(4) : rest.Substring(4, close - 4);
        var orig = Field(rest, "orig_to=<");
        if (orig is not null)
        {
            ev.OriginalRecipient = orig.TrimEnd('>');
        }

        ev.Relay = Field(rest, "relay=");
        ev.Delay = Seconds(Field(rest, "delay="));
        var delays = Field(rest, "delays=");
        if (delays is not null)
        {
            var parts = delays.Split('/');
            if (parts.Length == 4)
            {
                ev.DelayBeforeQueueManager = Seconds(parts[0]);
                ev.DelayInQueueManager = Seconds(parts[1]);
                ev.DelayConnection = Seconds(parts[2]);
                ev.DelayTransmission = Seconds(parts[3]);
            }
        }

        ev.Dsn = Field(rest, "dsn=");
        var status = rest.IndexOf(", status=", StringComparison.Ordinal);
        if (status < 0)
        {
            ev.Action = "to";
            return;
        }

        var word = status + 9;
        var space = rest.IndexOf(' ', word);
        var value = space < 0 ? rest.Substring(word) : rest.Substring(word, space - word);
        ev.Action = "status=" + value;
        if (space > 0 && space + 1 < rest.Length && rest[space + 1] == '(')
        {
            var end = rest.LastIndexOf(')');
            ev.Reason = end > space + 1 ? rest.Substring(space + 2, end - space - 2) : rest.Substring(space + 2);
        }

        ev.Status = value switch
        {
            "sent" => MailLogStatus.Sent,
            "deferred" => MailLogStatus.Deferred,
            "bounced" => MailLogStatus.Bounced,
            "expired" => MailLogStatus.Expired,
            _ => MailLogStatus.Other,
        };
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

    private static bool IsQueueId(string text, int length)
    {
        // Short ids are hex, long ids (enable_long_queue_ids) base 52 with a 'z' separator; NOQUEUE before a reject.
        if (length < 5 || length > 32)
        {
            return false;
        }

        for (var i = 0; i < length; i++)
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

    /// <summary>The value of "name" up to the next ", " (or the end), found after the first ", ".</summary>
    internal static string? Field(string s, string name)
    {
        var at = s.IndexOf(", " + name, StringComparison.Ordinal);
        if (at < 0)
        {
            return null;
        }

        var from = at + 2 + name.Length;
        var end = s.IndexOf(", ", from, StringComparison.Ordinal);
        return end < 0 ? s.Substring(from) : s.Substring(from, end - from);
    }

    internal static TimeSpan? Seconds(string? s) =>
        s is not null && double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && v >= 0 && v < 1e9
            ? TimeSpan.FromTicks((long)(v * TimeSpan.TicksPerSecond))
            : null;

    internal static long? Long(string? s) =>
        s is not null && long.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : null;
}
