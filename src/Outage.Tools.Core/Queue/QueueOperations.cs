using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using Outage.Tools.Core.Operations;

namespace Outage.Tools.Core.Queue;

/// <summary>Filters for Get-MailQueueMessage (and the inputs of Measure/Get-MailQueue).</summary>
public sealed class QueueMessageFilter
{
    /// <summary>Queue names or wildcards (deferred, hold, active, incoming...).</summary>
    public IList<string> Queue { get; } = new List<string>();

    /// <summary>Recipient domains or wildcards: a message matches when any recipient does.</summary>
    public IList<string> Domain { get; } = new List<string>();

    /// <summary>Sender addresses or wildcards.</summary>
    public IList<string> Sender { get; } = new List<string>();

    /// <summary>Delay reasons / last errors, wildcards.</summary>
    public IList<string> Reason { get; } = new List<string>();

    /// <summary>Queue ids or wildcards (Postfix queue_id, Exim message id, Exchange Identity, spool file name).</summary>
    public IList<string> Id { get; } = new List<string>();

    /// <summary>Only messages older than this.</summary>
    public TimeSpan? OlderThan { get; set; }

    /// <summary>At most this many messages (0 = all).</summary>
    public int First { get; set; }

    /// <summary>Parses <c>30m</c>, <c>2h</c>, <c>1d</c>, <c>90s</c> or <c>00:30:00</c>; an unusable value is an OutageException.</summary>
    public static TimeSpan ParseDuration(string text, string parameter)
    {
        if (Duration.TryParse(text, out var value) && value >= TimeSpan.Zero)
        {
            return value;
        }

        throw new OutageException(ErrorIds.QueueOlderThanInvalid, OutageErrorCategory.InvalidArgument,
            $"'{text}' is not a duration for {parameter}.", text, $"Write {parameter} as {Duration.Forms}.");
    }

    internal Func<QueueMessage, bool> Compile()
    {
        var q = Queue.Select(x => new Wildcard(x)).ToList();
        var d = Domain.Select(x => new Wildcard(x)).ToList();
        var s = Sender.Select(x => new Wildcard(x)).ToList();
        var r = Reason.Select(x => new Wildcard(x)).ToList();
        var ids = Id.Select(x => new Wildcard(x)).ToList();
        var older = OlderThan;
        return m =>
            (q.Count == 0 || q.Any(w => w.IsMatch(m.Queue) || w.IsMatch(m.State)))
            && (d.Count == 0 || m.Recipients.Any(x => d.Any(w => w.IsMatch(x.Domain))))
            && (s.Count == 0 || s.Any(w => w.IsMatch(m.Sender)))
            && (r.Count == 0 || r.Any(w => w.IsMatch(m.LastError) || m.Recipients.Any(x => w.IsMatch(x.DelayReason))))
            && (older is null || (m.Age is { } age && age > older.Value))
            && (ids.Count == 0 || ids.Any(w => w.IsMatch(m.Id)));
    }
}

/// <summary>Options of Measure-MailQueue: qshape(1)'s -s, -t, -b, -l and queue arguments.</summary>
public sealed class QueueShapeOptions
{
    public QueueShapeGroupBy GroupBy { get; set; } = QueueShapeGroupBy.RecipientDomain;

    /// <summary>qshape -t: the first bucket's upper age in minutes.</summary>
    public int BucketMinutes { get; set; } = 5;

    /// <summary>qshape -b: number of buckets.</summary>
    public int BucketCount { get; set; } = 10;

    /// <summary>qshape -l: linear buckets.</summary>
    public bool Linear { get; set; }

    /// <summary>The reference time (qshape's <c>$now = time</c>); default now.</summary>
    public DateTimeOffset? Now { get; set; }

    internal void Validate()
    {
        if (BucketMinutes < 1 || BucketMinutes > 1_000_000)
        {
            throw new OutageException(ErrorIds.InvalidArgument, OutageErrorCategory.InvalidArgument, $"BucketMinutes must be between 1 and 1000000 (got {BucketMinutes}).", BucketMinutes);
        }

        if (BucketCount < 1 || BucketCount > 100)
        {
            throw new OutageException(ErrorIds.InvalidArgument, OutageErrorCategory.InvalidArgument, $"BucketCount must be between 1 and 100 (got {BucketCount}).", BucketCount);
        }
    }
}

/// <summary>The queue operations behind Get-MailQueueMessage, Get-MailQueue, Measure-MailQueue.</summary>
public static class QueueOperations
{
    /// <summary>Messages of a source, filtered (Get-MailQueueMessage).</summary>
    public static IEnumerable<Outcome<QueueMessage>> GetMessages(IEnumerable<Outcome<QueueMessage>> messages, QueueMessageFilter filter,
        CancellationToken cancellationToken = default)
    {
        if (messages is null)
        {
            throw new ArgumentNullException(nameof(messages));
        }

        var match = (filter ?? new QueueMessageFilter()).Compile();
        var first = filter?.First ?? 0;
        var n = 0;
        foreach (var o in messages)
        {
            if (o.Kind == OutcomeKind.Result && !match(o.Value!))
            {
                continue;
            }

            yield return o;
            if (o.Kind == OutcomeKind.Result && first > 0 && ++n >= first)
            {
                yield break;
            }
        }
    }

    /// <summary>One summary per (computer, source, queue), Get-MailQueue. Memory: per queue, not per message.</summary>
    public static IEnumerable<Outcome<MailQueueSummary>> Summarize(IEnumerable<Outcome<QueueMessage>> messages, DateTimeOffset? now = null)
    {
        var at = now ?? DateTimeOffset.UtcNow;
        var acc = new Dictionary<(string, QueueSourceKind, string), SummaryAccumulator>();
        var order = new List<(string, QueueSourceKind, string)>();
        foreach (var o in messages)
        {
            if (o.Kind != OutcomeKind.Result)
            {
                yield return Convert<MailQueueSummary>(o);
                continue;
            }

            var m = o.Value!;
            var key = (m.ComputerName, m.Source, m.Queue);
            if (!acc.TryGetValue(key, out var a))
            {
                acc[key] = a = new SummaryAccumulator();
                order.Add(key);
            }

            a.Add(m);
        }

        foreach (var key in order.OrderBy(k => k.Item1, StringComparer.OrdinalIgnoreCase).ThenBy(k => k.Item3, StringComparer.OrdinalIgnoreCase))
        {
            yield return Outcome<MailQueueSummary>.Success(acc[key].ToSummary(key.Item1, key.Item2, key.Item3, at));
        }
    }

    internal static Outcome<T> Convert<T>(Outcome<QueueMessage> o) => o.Kind switch
    {
        OutcomeKind.Error => Outcome<T>.Failure(o.Error!),
        OutcomeKind.Warning => Outcome<T>.Warn(o.Text!),
        _ => Outcome<T>.Note(o.Text ?? string.Empty),
    };

    private sealed class SummaryAccumulator
    {
        private readonly Dictionary<string, long> _states = new(StringComparer.OrdinalIgnoreCase);
        private readonly Dictionary<string, long> _domains = new(StringComparer.OrdinalIgnoreCase);
        private readonly Dictionary<string, long> _reasons = new(StringComparer.Ordinal);
        private long _messages;
        private long _recipients;
        private long _bytes;
        private DateTimeOffset? _oldest;

        public void Add(QueueMessage m)
        {
            _messages++;
            _bytes += m.Size;
            Bump(_states, m.State.Length == 0 ? "Unknown" : m.State);
            if (m.ArrivalTime is { } t && (_oldest is null || t < _oldest))
            {
                _oldest = t;
            }

            foreach (var r in m.Recipients)
            {
                if (r.Delivered)
                {
                    continue;
                }

                _recipients++;
                Bump(_domains, r.Domain.Length == 0 ? "(local)" : r.Domain);
                var reason = r.DelayReason ?? m.LastError;
                if (reason is not null && _reasons.Count < 10000)
                {
                    Bump(_reasons, QueueText.NormalizeReason(reason));
                }
            }
        }

        private static void Bump(Dictionary<string, long> d, string key) => d[key] = d.TryGetValue(key, out var n) ? n + 1 : 1;

        /// <summary>The five largest, each with its count and unit: both lists count undelivered recipients.</summary>
        private static IReadOnlyList<string> Top(Dictionary<string, long> d) =>
            d.OrderByDescending(x => x.Value).ThenBy(x => x.Key, StringComparer.Ordinal).Take(5)
                .Select(x => $"{x.Key} ({x.Value.ToString(CultureInfo.InvariantCulture)} {(x.Value == 1 ? "recipient" : "recipients")})").ToList();

        public MailQueueSummary ToSummary(string computer, QueueSourceKind source, string queue, DateTimeOffset now) => new()
        {
            Source = source,
            ComputerName = computer,
            Queue = queue,
            MessageCount = _messages,
            RecipientCount = _recipients,
            Bytes = _bytes,
            OldestArrival = _oldest,
            OldestAge = _oldest is null ? null : now - _oldest.Value,
            States = new SortedDictionary<string, long>(_states, StringComparer.OrdinalIgnoreCase),
            TopDestinations = Top(_domains),
            TopReasons = Top(_reasons),
        };
    }

    /// <summary>
    /// The qshape(1) matrix. Follows qshape.pl exactly: each undelivered recipient (or, grouped by sender, each
    /// message) counts once in its row and in TOTAL; the bucket of a message is 1 when its age in units of
    /// BucketMinutes is below 1, else 2 + floor(log2(age)) (linear: floor(age) + 1), capped at BucketCount;
    /// domain keys are lower case, MAILER-DAEMON for the null sender. Rows sort by total descending, then by
    /// name length (qshape's order; equal rows are in name order here).
    /// </summary>
    public static IEnumerable<Outcome<QueueShapeRow>> Shape(IEnumerable<Outcome<QueueMessage>> messages, QueueShapeOptions options,
        CancellationToken cancellationToken = default)
    {
        if (options is null)
        {
            throw new ArgumentNullException(nameof(options));
        }

        options.Validate();
        var now = (options.Now ?? DateTimeOffset.UtcNow).ToUnixTimeSeconds();
        var bnum = options.BucketCount;
        var rows = new Dictionary<string, long[]>(StringComparer.Ordinal);
        var total = new long[bnum + 1];
        string computer = string.Empty;
        QueueSourceKind source = QueueSourceKind.Postfix;
        var sources = new HashSet<(string, QueueSourceKind)>();
        var bucketSeconds = 60.0 * options.BucketMinutes;
        var n = 0L;
        foreach (var o in messages)
        {
            if ((++n & 0xFFF) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            if (o.Kind != OutcomeKind.Result)
            {
                yield return Convert<QueueShapeRow>(o);
                continue;
            }

            var m = o.Value!;
            if (sources.Count < 2 && sources.Add((m.ComputerName, m.Source)))
            {
                computer = m.ComputerName;
                source = m.Source;
            }

            var t = m.ArrivalTime?.ToUnixTimeSeconds() ?? (m.Age is { } age ? now - (long)age.TotalSeconds : now);
            var b = Bucket(now - t, bucketSeconds, bnum, options.Linear);
            switch (options.GroupBy)
            {
                case QueueShapeGroupBy.SenderDomain:
                    Count(rows, total, QueueText.QshapeKey(m.Sender), b, bnum);
                    break;
                case QueueShapeGroupBy.Queue:
                    foreach (var r in m.Recipients)
                    {
                        if (!r.Delivered)
                        {
                            Count(rows, total, m.Queue, b, bnum);
                        }
                    }

                    break;
                default:
                    foreach (var r in m.Recipients)
                    {
                        if (r.Delivered)
                        {
                            continue;
                        }

                        var key = options.GroupBy switch
                        {
                            QueueShapeGroupBy.Reason => QueueText.NormalizeReason(r.DelayReason ?? m.LastError ?? "(none)"),
                            QueueShapeGroupBy.NextHop => r.NextHop ?? m.NextHop ?? QueueText.QshapeKey(r.Address),
                            _ => QueueText.QshapeKey(r.Address),
                        };
                        Count(rows, total, key, b, bnum);
                    }

                    break;
            }
        }

        if (sources.Count > 1)
        {
            computer = sources.Select(x => x.Item1).Distinct().Count() > 1 ? "*" : computer;
        }

        var labels = Labels(options);
        var totalRow = MakeRow("TOTAL", total, true);
        yield return Outcome<QueueShapeRow>.Success(totalRow);
        foreach (var kv in rows.OrderByDescending(x => x.Value[0]).ThenBy(x => x.Key.Length).ThenBy(x => x.Key, StringComparer.Ordinal))
        {
            yield return Outcome<QueueShapeRow>.Success(MakeRow(kv.Key, kv.Value, false));
        }

        QueueShapeRow MakeRow(string name, long[] counts, bool isTotal) => new()
        {
            Source = source,
            ComputerName = computer,
            GroupBy = options.GroupBy,
            Name = name,
            IsTotal = isTotal,
            Total = counts[0],
            Buckets = counts.Skip(1).ToArray(),
            BucketLabels = labels,
        };
    }

    private static void Count(Dictionary<string, long[]> rows, long[] total, string key, int bucket, int bnum)
    {
        if (!rows.TryGetValue(key, out var row))
        {
            rows[key] = row = new long[bnum + 1];
        }

        row[0]++;
        row[bucket]++;
        total[0]++;
        total[bucket]++;
    }

    /// <summary>qshape.pl sub bucket: 1-based index of the age bucket.</summary>
    internal static int Bucket(long ageSeconds, double bucketSeconds, int bnum, bool linear)
    {
        var m = ageSeconds / bucketSeconds;
        if (m < 1)
        {
            return 1;
        }

        var b = linear ? (long)Math.Floor(m + 1) : 2 + (long)Math.Floor(Math.Log(m) / Math.Log(2));
        return b < bnum ? (int)b : bnum;
    }

    /// <summary>qshape's headings: 5 10 20 ... 1280 1280+ (linear: 5 10 15 ... 45 45+).</summary>
    public static IReadOnlyList<string> Labels(QueueShapeOptions options)
    {
        // Range-checked before anything is allocated: --bucket-count 100000000 is an error, not 11 GB of labels.
        (options ?? throw new ArgumentNullException(nameof(options))).Validate();
        var labels = new List<string>();
        long t = options.BucketMinutes;
        for (var i = 1; i <= options.BucketCount; i++)
        {
            if (i < options.BucketCount)
            {
                labels.Add(t.ToString(CultureInfo.InvariantCulture));
                t += options.Linear ? options.BucketMinutes : t;
            }
            else
            {
                // The last heading is the previous one with '+' (qshape.pl sub results).
                var prev = i == 1 ? "0" : labels[i - 2];
                labels.Add(prev + "+");
            }
        }

        return labels;
    }

    /// <summary>Renders rows as qshape prints them (right-aligned columns), for the CLI table and comparisons.</summary>
    public static string FormatLikeQshape(IReadOnlyList<QueueShapeRow> rows, QueueShapeOptions options)
    {
        var labels = Labels(options);
        var sb = new StringBuilder();
        var width = Math.Max(18, rows.Count == 0 ? 5 : rows.Max(r => r.Name.Length));
        sb.Append(new string(' ', width)).Append(' ').Append(string.Join(" ", new[] { "T" }.Concat(labels))).Append('\n');
        foreach (var r in rows)
        {
            sb.Append(r.Name.PadLeft(width)).Append(' ').Append(r.Total.ToString(CultureInfo.InvariantCulture));
            foreach (var b in r.Buckets)
            {
                sb.Append(' ').Append(b.ToString(CultureInfo.InvariantCulture));
            }

            sb.Append('\n');
        }

        return sb.ToString();
    }
}
