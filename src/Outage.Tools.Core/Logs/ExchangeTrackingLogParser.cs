using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace Outage.Tools.Core.Logs;

/// <summary>
/// Reads Exchange message tracking logs (Exchange Server "Message tracking" documentation): header lines
/// #Software, #Version, #Log-Type, #Date and #Fields (the column names), then one CSV record per event, columns
/// mapped by the #Fields line (never by position). date-time is UTC. recipient-address and recipient-status are
/// ';'-separated lists in the same order: one event per recipient, the status paired by position when the two
/// lists have the same length (a status can itself contain ';', as "550 4.4.7 QUEUE.Expired;text" does), else
/// the whole status on each. Also reads Get-MessageTrackingLog | Export-Csv files (Timestamp, EventId, ...).
/// </summary>
public sealed class ExchangeTrackingLogParser
{
    private Dictionary<string, int>? _columns;

    public bool HasFields => _columns is not null;

    /// <summary>A "#Fields: a,b,c" line (or the first row of an Export-Csv file) sets the column map.</summary>
    public void SetFields(string fields)
    {
        _columns = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        var names = SplitCsv(fields);
        for (var i = 0; i < names.Count; i++)
        {
            // Export-Csv names have no dashes (EventId, MessageId, Timestamp); index both spellings.
            var name = names[i].Trim();
            _columns[name] = i;
            _columns[name.Replace("-", string.Empty)] = i;
        }
    }

    /// <summary>The events of one data record (one per recipient), or null when the record cannot be read.</summary>
    public List<MailLogEvent>? Parse(string line)
    {
        if (_columns is null)
        {
            return null;
        }

        var cells = SplitCsv(line);
        string? Get(string name, string? alternative = null)
        {
            if ((_columns.TryGetValue(name, out var i) || (alternative is not null && _columns.TryGetValue(alternative, out i))) && i < cells.Count)
            {
                var v = cells[i];
                return v.Length == 0 ? null : v;
            }

            return null;
        }

        var stamp = Get("date-time", "Timestamp");
        if (stamp is null || !DateTimeOffset.TryParse(stamp, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time))
        {
            return null;
        }

        var eventId = Get("event-id", "EventId") ?? string.Empty;
        var source = Get("source", "Source");
        var status = eventId.ToUpperInvariant() switch
        {
            "RECEIVE" => MailLogStatus.Received,
            "DELIVER" or "SEND" or "DUPLICATEDELIVER" => MailLogStatus.Sent,
            "DEFER" or "RESUBMITDEFER" or "SUBMITDEFER" => MailLogStatus.Deferred,
            "FAIL" or "DELIVERFAIL" or "SUBMITFAIL" or "RESUBMITFAIL" or "HAREDIRECTFAIL" => MailLogStatus.Bounced,
            "POISONMESSAGE" => MailLogStatus.Poison,
            "BADMAIL" or "DROP" => MailLogStatus.Rejected,
            "SUBMIT" or "TRANSFER" or "EXPAND" or "RESOLVE" or "REDIRECT" => MailLogStatus.Queued,
            _ => MailLogStatus.Other,
        };

        var recipients = (Get("recipient-address", "Recipients") ?? string.Empty).Split(new[] { ';' }, StringSplitOptions.RemoveEmptyEntries);
        var statusText = Get("recipient-status", "RecipientStatus");
        var statuses = statusText?.Split(';');
        var sizeText = Get("total-bytes", "TotalBytes");
        var info = Get("message-info", "MessageInfo");
        TimeSpan? delay = null;
        if (status == MailLogStatus.Sent && info is not null
            && DateTimeOffset.TryParse(info, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var origin) && origin <= time)
        {
            // For DELIVER and SEND, message-info holds the message's origination time (UTC).
            delay = time - origin;
        }

        var template = new MailLogEvent
        {
            Time = time,
            Format = MailLogFormat.ExchangeTracking,
            Status = status,
            Action = eventId,
            Program = source,
            Host = Get("server-hostname", "ServerHostname"),
            QueueId = Get("internal-message-id", "InternalMessageId"),
            MessageId = Get("message-id", "MessageId"),
            Sender = Get("sender-address", "Sender") ?? Get("return-path", "ReturnPath"),
            Client = Get("client-hostname", "ClientHostname") ?? Get("client-ip", "ClientIp"),
            Size = PostfixLogParser.Long(sizeText),
            Delay = delay,
            Text = line,
        };
        if (eventId.Equals("SEND", StringComparison.OrdinalIgnoreCase))
        {
            template.Relay = Get("server-hostname", "ServerHostname") ?? Get("server-ip", "ServerIp");
            template.Host = Get("client-hostname", "ClientHostname");
        }

        var result = new List<MailLogEvent>(Math.Max(1, recipients.Length));
        if (recipients.Length == 0)
        {
            template.Reason = statusText;
            result.Add(template);
            return result;
        }

        for (var i = 0; i < recipients.Length; i++)
        {
            var ev = i == 0 ? template : Copy(template);
            ev.Recipient = recipients[i].Trim();
            var reason = statuses is not null && statuses.Length == recipients.Length ? statuses[i] : statusText;
            if (status is MailLogStatus.Deferred or MailLogStatus.Bounced or MailLogStatus.Poison or MailLogStatus.Rejected)
            {
                ev.Reason = reason;
            }

            ev.Dsn = EnhancedCode(reason);
            result.Add(ev);
        }

        return result;
    }

    private static MailLogEvent Copy(MailLogEvent e) => new()
    {
        Time = e.Time, Format = e.Format, Status = e.Status, Action = e.Action, Program = e.Program, Host = e.Host, QueueId = e.QueueId,
        MessageId = e.MessageId, Sender = e.Sender, Client = e.Client, Relay = e.Relay, Size = e.Size, Delay = e.Delay, Text = e.Text,
        IsContinuation = true,
    };

    // "550 5.1.1 RESOLVER.ADR.RecipNotFound; not found" -> 5.1.1 (RFC 3463 class.subject.detail)
    private static string? EnhancedCode(string? status)
    {
        if (status is null || status.Length < 9 || status[3] != ' ')
        {
            return null;
        }

        var end = status.IndexOf(' ', 4);
        var code = end < 0 ? status.Substring(4) : status.Substring(4, end - 4);
        return code.Length >= 5 && code[1] == '.' && (code[0] == '2' || code[0] == '4' || code[0] == '5') ? code : null;
    }

    /// <summary>One CSV record (RFC 4180: quoted fields, "" for a quote inside one).</summary>
    internal static List<string> SplitCsv(string line)
    {
        var cells = new List<string>();
        var cell = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quoted)
            {
                if (c == '"')
                {
                    if (i + 1 < line.Length && line[i + 1] == '"')
                    {
                        cell.Append('"');
                        i++;
                    }
                    else
                    {
                        quoted = false;
                    }
                }
                else
                {
                    cell.Append(c);
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == ',')
            {
                cells.Add(cell.ToString());
                cell.Clear();
            }
            else
            {
                cell.Append(c);
            }
        }

        cells.Add(cell.ToString());
        return cells;
    }
}
