using System;
using System.Collections.Generic;
using System.IO;
using System.Threading;
using Outage.Tools.Core.Operations;

namespace Outage.Tools.Core.Queue;

/// <summary>
/// Reads <c>postqueue -j</c> output (postqueue(1), Postfix 3.1+): one JSON object per line with queue_name,
/// queue_id, arrival_time (epoch seconds), message_size, forced_expire, sender, recipients[] of
/// {address, delay_reason}. "Programs that parse the JSON output must ignore unknown members", so unknown
/// members are skipped. A malformed line yields an error naming its line number; the rest is still read.
/// Streaming: one line in memory at a time.
/// </summary>
public static class PostqueueJsonReader
{
    public static IEnumerable<Outcome<QueueMessage>> Read(TextReader reader, string origin, QueueSourceKind source,
        string computerName, DateTimeOffset now, CancellationToken cancellationToken = default, long maxTotalChars = long.MaxValue)
    {
        if (reader is null)
        {
            throw new ArgumentNullException(nameof(reader));
        }

        var lineNumber = 0L;
        var cache = new StringCache();
        // No line is kept longer than MaxLineLength: a 300 MB line is a located error, not gigabytes of strings.
        // And no more than maxTotalChars in all: a pipe or FIFO has no length to stop at (QueueSource.MaxPipedListingChars).
        var lines = new BoundedLineReader(reader, MaxLineLength, maxTotalChars);
        string? line;
        while ((line = lines.ReadLine()) is not null)
        {
            if (lines.LimitReached)
            {
                // The line the cap cut off is not judged: the error below says the rest was not read.
                break;
            }

            lineNumber++;
            if (lines.LastLineTooLong)
            {
                yield return Outcome<QueueMessage>.Failure(new ItemError(ErrorIds.QueueJsonInvalid, OutageErrorCategory.ParserError,
                    $"Line {lineNumber} of {origin} is longer than {MaxLineLength} characters and was skipped.", $"{origin}:{lineNumber}",
                    "The rest of the stream was read; check that the file is complete 'postqueue -j' output."));
                continue;
            }

            if ((lineNumber & 0x3FF) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            if (line.Length == 0 || string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            QueueMessage? message = null;
            string? problem = null;
            try
            {
                message = ParseLine(line, source, computerName, now, cache);
            }
            catch (FormatException ex)
            {
                problem = ex.Message;
            }
            catch (OverflowException ex)
            {
                problem = ex.Message;
            }

            if (message is not null)
            {
                yield return Outcome<QueueMessage>.Success(message);
            }
            else
            {
                yield return Outcome<QueueMessage>.Failure(new ItemError(ErrorIds.QueueJsonInvalid, OutageErrorCategory.ParserError,
                    $"Line {lineNumber} of {origin} is not a postqueue -j message object: {problem}.", $"{origin}:{lineNumber}",
                    "The rest of the stream was read; check that the file is complete 'postqueue -j' output."));
            }
        }

        if (lines.LimitReached)
        {
            yield return Outcome<QueueMessage>.Failure(QueueText.PipedListingTooLong(origin, maxTotalChars, lineNumber, "postqueue -j"));
        }
    }

    /// <summary>The longest line read (4 Mi characters: a message with tens of thousands of recipients fits).</summary>
    public const int MaxLineLength = 4 << 20;

    /// <summary>Repeated values (queue names, senders, delay reasons) are shared between messages, not re-allocated.</summary>
    internal sealed class StringCache
    {
        public string? Queue;
        public string? Sender;
        public string? Reason;
    }

    internal static QueueMessage ParseLine(string line, QueueSourceKind source, string computerName, DateTimeOffset now, StringCache? cache = null)
    {
        cache ??= new StringCache();
        var c = new JsonCursor(line);
        var m = new QueueMessage { Source = source, ComputerName = computerName };
        var sawId = false;
        if (c.Begin('{', '}'))
        {
            do
            {
                var key = c.ReadString();
                c.Expect(':');
                switch (key)
                {
                    case "queue_name":
                        m.Queue = c.ReadString(ref cache.Queue);
                        break;
                    case "queue_id":
                        m.Id = c.ReadString();
                        sawId = true;
                        break;
                    case "arrival_time":
                        var t = c.ReadInt64();
                        // DateTimeOffset holds years 1-9999: epoch seconds -62135596800 … 253402300799.
                        if (t < -62135596800L || t > 253402300799L)
                        {
                            throw new FormatException($"arrival_time {t} is not a time in epoch seconds");
                        }

                        m.ArrivalTime = DateTimeOffset.FromUnixTimeSeconds(t);
                        break;
                    case "message_size":
                        m.Size = c.ReadInt64();
                        break;
                    case "forced_expire":
                        m.ForcedExpire = c.ReadBool();
                        break;
                    case "sender":
                        m.Sender = c.ReadString(ref cache.Sender);
                        break;
                    case "recipients":
                        m.Recipients = ReadRecipients(c, cache);
                        break;
                    default:
                        c.SkipValue();
                        break;
                }
            }
            while (c.NextOrEnd('}'));
        }

        if (!c.AtEnd)
        {
            throw c.Fail("text after the object");
        }

        if (!sawId || m.Id.Length == 0)
        {
            throw new FormatException("no queue_id member");
        }

        m.State = StateOf(m.Queue);
        if (m.ArrivalTime is { } at)
        {
            m.Age = now - at;
        }

        foreach (var r in m.Recipients)
        {
            if (m.LastError is null && r.DelayReason is not null)
            {
                m.LastError = r.DelayReason;
            }

            if (m.NextHop is null && r.Domain.Length > 0)
            {
                m.NextHop = r.Domain;
            }
        }

        return m;
    }

    private static IReadOnlyList<QueueRecipient> ReadRecipients(JsonCursor c, StringCache cache)
    {
        if (c.TryNull())
        {
            return Array.Empty<QueueRecipient>();
        }

        var list = new List<QueueRecipient>(1);
        if (c.Begin('[', ']'))
        {
            do
            {
                string? address = null;
                string? reason = null;
                if (c.Begin('{', '}'))
                {
                    do
                    {
                        var key = c.ReadString();
                        c.Expect(':');
                        if (key == "address")
                        {
                            address = c.ReadString();
                        }
                        else if (key == "delay_reason")
                        {
                            reason = c.TryNull() ? null : c.ReadString(ref cache.Reason);
                        }
                        else
                        {
                            c.SkipValue();
                        }
                    }
                    while (c.NextOrEnd('}'));
                }

                list.Add(new QueueRecipient(address ?? string.Empty, reason));
            }
            while (c.NextOrEnd(']'));
        }

        return list;
    }

    /// <summary>The state of a Postfix queue (qmgr(8)): the queue name, capitalised.</summary>
    public static string StateOf(string queueName) => queueName switch
    {
        "active" => "Active",
        "deferred" => "Deferred",
        "hold" => "Hold",
        "incoming" => "Incoming",
        "maildrop" => "Maildrop",
        "corrupt" => "Corrupt",
        _ => queueName.Length == 0 ? "Unknown" : char.ToUpperInvariant(queueName[0]) + queueName.Substring(1),
    };
}
