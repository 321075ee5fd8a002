using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using Outage.Tools.Core.Operations;

namespace Outage.Tools.Core.Logs;

/// <summary>What the rows of Measure-MessageDelay are.</summary>
public enum MessageDelayGroupBy
{
    /// <summary>One row: every message of the log.</summary>
    Total,

    /// <summary>One row per hour of receipt ("yyyy-MM-dd HH:00", in the log's times as written).</summary>
    Hour,

    /// <summary>One row per recipient domain (destination): each message counted once per domain it went to.</summary>
    RecipientDomain,

    /// <summary>One row per message, as CSS-Exchange's Measure-EmailDelayInMTL lists them (streamed as each message ends).</summary>
    Message,
}

/// <summary>
/// One row of Measure-MessageDelay: end-to-end delays (receipt to last delivery) of the messages of a group, with
/// nearest-rank percentiles. Messages that were received but never delivered are counted in
/// <see cref="Undelivered"/>, not in the delays.
/// </summary>
public sealed class MessageDelayRow
{
    public MessageDelayGroupBy GroupBy { get; set; }

    /// <summary>"" (Total), the hour "yyyy-MM-dd HH:00" (Hour), the recipient domain, or the message (its Message-ID, else its queue id).</summary>
    public string Key { get; set; } = string.Empty;

    /// <summary>For Message rows: the MTA's queue id (Exchange: internal-message-id) of the message.</summary>
    public string? QueueId { get; set; }

    /// <summary>Messages delivered whose delay was measured.</summary>
    public long Delivered { get; set; }

    /// <summary>Messages received but with no delivery in the log (still deferred, bounced, expired, failed).</summary>
    public long Undelivered { get; set; }

    /// <summary>Messages (delivered or not) with at least one deferral.</summary>
    public long Deferred { get; set; }

    /// <summary>The median delay (50th percentile, nearest rank).</summary>
    public TimeSpan? P50 { get; set; }

    public TimeSpan? P90 { get; set; }

    public TimeSpan? P95 { get; set; }

    public TimeSpan? P99 { get; set; }

    public TimeSpan? Maximum { get; set; }

    public TimeSpan? Average { get; set; }

    /// <summary>The earliest receipt of the group's messages.</summary>
    public DateTimeOffset? FirstReceived { get; set; }

    /// <summary>The latest delivery of the group's messages.</summary>
    public DateTimeOffset? LastDelivered { get; set; }

    public override string ToString() => $"{GroupBy} {Key}: {Delivered} delivered, p95 {P95}, max {Maximum}, {Undelivered} undelivered";
}

/// <summary>Options of Measure-MessageDelay.</summary>
public sealed class MessageDelayOptions
{
    public ISet<MessageDelayGroupBy> GroupBy { get; } = new HashSet<MessageDelayGroupBy>();

    /// <summary>
    /// Messages followed at once. Postfix and Exim messages end at their removed/Completed line; Exchange messages
    /// only at the end of the logs, so beyond this the oldest is measured early with what is known of it.
    /// </summary>
    public int MaximumOpenMessages { get; set; } = DefaultMaximumOpenMessages;

    public const int DefaultMaximumOpenMessages = 1_000_000;

    /// <summary>Distinct recipient domains kept; beyond it they are counted in "(other domains)".</summary>
    public int MaximumDomains { get; set; } = 100_000;

    /// <summary>Message rows only for messages delayed at least this long (undelivered ones are always listed); null lists all.</summary>
    public TimeSpan? MinimumDelay { get; set; }
}

/// <summary>
/// End-to-end delivery delay per message from mail logs, after CSS-Exchange's Measure-EmailDelayInMTL
/// (Transport/Measure-EmailDelayInMTL.ps1, read, not copied): a message is keyed by its Message-ID in Exchange
/// message tracking logs (so the RECEIVE on one server and the DELIVER on another are one message), by host and
/// queue id in Postfix and Exim logs. Its start is its earliest receipt (Exchange RECEIVE; Postfix smtpd client=,
/// pickup or cleanup; Exim &lt;=), its end its latest delivery (Exchange DELIVER and SEND; Postfix status=sent;
/// Exim =&gt; and -&gt;), its delay the difference. Unlike the script, a message whose receipt was logged before the
/// log began is still measured when its delivery line carries the MTA's own delay (Postfix delay=, Exim QT=,
/// Exchange origination time in message-info), and a message never delivered is counted, not dropped.
/// Percentiles are nearest-rank (the value at rank ⌈p·n⌉ of the n sorted delays).
/// </summary>
public static class MessageDelay
{
    public const string OtherDomains = "(other domains)";

    public static IEnumerable<Outcome<MessageDelayRow>> Run(IEnumerable<Outcome<MailLogEvent>> events, MessageDelayOptions options,
        CancellationToken cancellationToken = default)
    {
        if (events is null)
        {
            throw new ArgumentNullException(nameof(events));
        }

        if (options is null)
        {
            throw new ArgumentNullException(nameof(options));
        }

        return Iterate(events, options, cancellationToken);
    }

    /// <summary>One measured (or undelivered) message, as the statistics and the outage check see it.</summary>
    public sealed class Measured
    {
        internal Measured(string key, string? queueId)
        {
            Key = key;
            QueueId = queueId;
        }

        public string Key { get; }

        public string? QueueId { get; }

        /// <summary>Its Message-ID header, when a line of it carries one.</summary>
        public string? MessageId { get; internal set; }

        /// <summary>Its receipt (or the delivery minus the MTA's delay when the receipt is not in the log).</summary>
        public DateTimeOffset? Received { get; internal set; }

        /// <summary>Its latest delivery; null when never delivered.</summary>
        public DateTimeOffset? Delivered { get; internal set; }

        public TimeSpan? Delay => Received is { } r && Delivered is { } d ? (d < r ? TimeSpan.Zero : d - r) : null;

        public bool Deferred { get; internal set; }

        /// <summary>Per recipient domain: its latest delivery to that domain (null: none) and whether it was deferred there.</summary>
        public IReadOnlyDictionary<string, (DateTimeOffset? Delivered, bool Deferred)> Domains => _domains;

        internal readonly Dictionary<string, (DateTimeOffset? Delivered, bool Deferred)> _domains = new(StringComparer.OrdinalIgnoreCase);

        internal DateTimeOffset FirstSeen;
        internal TimeSpan? DelayField;
        internal bool Open = true;
    }

    /// <summary>
    /// The messages of an event stream, each when it ends (removed/Completed) or at the end of the stream; warnings and
    /// errors of the reader are passed through. The building block of <see cref="Run"/> and the outage check.
    /// </summary>
    public static IEnumerable<Outcome<Measured>> Messages(IEnumerable<Outcome<MailLogEvent>> events, int maximumOpenMessages,
        CancellationToken ct = default)
    {
        var open = new Dictionary<string, Measured>(StringComparer.Ordinal);
        var order = new Queue<Measured>();
        long early = 0, unmeasured = 0, skew = 0, n = 0;
        foreach (var o in events)
        {
            if ((++n & 0xFFF) == 0)
            {
                ct.ThrowIfCancellationRequested();
            }

            if (o.Kind != OutcomeKind.Result)
            {
                yield return o.Kind switch
                {
                    OutcomeKind.Error => Outcome<Measured>.Failure(o.Error!),
                    OutcomeKind.Warning => Outcome<Measured>.Warn(o.Text ?? string.Empty),
                    _ => Outcome<Measured>.Note(o.Text ?? string.Empty),
                };
                continue;
            }

            var ev = o.Value!;
            if (ev.Status is not (MailLogStatus.Received or MailLogStatus.Queued or MailLogStatus.Sent or MailLogStatus.Deferred
                or MailLogStatus.Bounced or MailLogStatus.Expired or MailLogStatus.Completed))
            {
                continue;
            }

            var key = KeyOf(ev);
            if (key is null)
            {
                continue;
            }

            if (!open.TryGetValue(key, out var m))
            {
                if (ev.Status == MailLogStatus.Completed)
                {
                    continue;
                }

                m = new Measured(key, ev.QueueId) { FirstSeen = ev.Time };
                open[key] = m;
                order.Enqueue(m);
                while (open.Count > maximumOpenMessages)
                {
                    var oldest = order.Dequeue();
                    if (oldest.Open && open.Remove(oldest.Key))
                    {
                        early++;
                        if (Close(oldest, ref unmeasured, ref skew) is { } closed)
                        {
                            yield return Outcome<Measured>.Success(closed);
                        }
                    }
                }
            }

            m.MessageId ??= ev.MessageId;
            switch (ev.Status)
            {
                case MailLogStatus.Received:
                case MailLogStatus.Queued when ev.Format != MailLogFormat.ExchangeTracking:
                    if (m.Received is null || ev.Time < m.Received)
                    {
                        m.Received = ev.Time;
                    }

                    break;
                case MailLogStatus.Sent:
                    if (m.Delivered is null || ev.Time >= m.Delivered)
                    {
                        m.Delivered = ev.Time;
                        m.DelayField = ev.Delay;
                    }

                    break;
                case MailLogStatus.Deferred:
                    m.Deferred = true;
                    break;
                case MailLogStatus.Completed:
                    open.Remove(key);
                    if (Close(m, ref unmeasured, ref skew) is { } done)
                    {
                        yield return Outcome<Measured>.Success(done);
                    }

                    continue;
            }

            if (ev.RecipientDomain is { } domain)
            {
                m._domains.TryGetValue(domain, out var d);
                if (ev.Status == MailLogStatus.Sent && (d.Delivered is null || ev.Time >= d.Delivered))
                {
                    d.Delivered = ev.Time;
                }

                d.Deferred |= ev.Status == MailLogStatus.Deferred;
                m._domains[domain] = d;
            }
        }

        foreach (var m in order)
        {
            if (m.Open && Close(m, ref unmeasured, ref skew) is { } rest)
            {
                yield return Outcome<Measured>.Success(rest);
            }
        }

        if (early > 0)
        {
            yield return Outcome<Measured>.Warn($"{early} messages were measured before their end because more than {maximumOpenMessages} were open at once; " +
                                                "a later delivery of these was not counted.");
        }

        if (unmeasured > 0)
        {
            yield return Outcome<Measured>.Warn($"{unmeasured} delivered messages were not measured: their receipt is not in the logs (it was logged " +
                                                "before the first log given) and their delivery line gives no delay. Add the earlier (rotated) log.");
        }

        if (skew > 0)
        {
            yield return Outcome<Measured>.Warn($"{skew} messages were delivered before they were received by the logs' clocks (servers' clocks differ); their delay counts as 0.");
        }
    }

    private static string? KeyOf(MailLogEvent ev)
    {
        if (ev.Format == MailLogFormat.ExchangeTracking)
        {
            // As Measure-EmailDelayInMTL: one message per Message-ID across servers; without one, per server and internal id.
            return ev.MessageId ?? (ev.QueueId is null ? null : "\u0001" + ev.Host + "|" + ev.QueueId);
        }

        return ev.QueueId is null ? null : ev.Host + "|" + ev.QueueId;
    }

    private static Measured? Close(Measured m, ref long unmeasured, ref long skew)
    {
        m.Open = false;
        if (m.Received is null && m.Delivered is { } d)
        {
            if (m.DelayField is { } delay)
            {
                m.Received = d - delay;
            }
            else
            {
                unmeasured++;
                return null;
            }
        }

        if (m.Received is null)
        {
            // Neither received nor delivered here (a deferral or bounce of a message from an earlier log): no start to measure from.
            return null;
        }

        if (m.Delivered is { } dd && dd < m.Received)
        {
            skew++;
        }

        return m;
    }

    private static IEnumerable<Outcome<MessageDelayRow>> Iterate(IEnumerable<Outcome<MailLogEvent>> events, MessageDelayOptions options, CancellationToken ct)
    {
        var groups = options.GroupBy.Count == 0 ? new HashSet<MessageDelayGroupBy> { MessageDelayGroupBy.Total } : options.GroupBy;
        var total = new Stats(new MessageDelayRow { GroupBy = MessageDelayGroupBy.Total });
        var hours = new SortedDictionary<DateTime, Stats>();
        var domains = new Dictionary<string, Stats>(StringComparer.OrdinalIgnoreCase);
        var wantTotal = groups.Contains(MessageDelayGroupBy.Total);
        var wantHours = groups.Contains(MessageDelayGroupBy.Hour);
        var wantDomains = groups.Contains(MessageDelayGroupBy.RecipientDomain);
        var wantMessages = groups.Contains(MessageDelayGroupBy.Message);
        foreach (var o in Messages(events, options.MaximumOpenMessages, ct))
        {
            if (o.Kind != OutcomeKind.Result)
            {
                yield return o.Kind switch
                {
                    OutcomeKind.Error => Outcome<MessageDelayRow>.Failure(o.Error!),
                    OutcomeKind.Warning => Outcome<MessageDelayRow>.Warn(o.Text ?? string.Empty),
                    _ => Outcome<MessageDelayRow>.Note(o.Text ?? string.Empty),
                };
                continue;
            }

            var m = o.Value!;
            var start = m.Received!.Value;
            if (wantTotal)
            {
                total.Add(start, m.Delivered, m.Deferred);
            }

            if (wantHours)
            {
                var local = start.DateTime;
                var hour = new DateTime(local.Year, local.Month, local.Day, local.Hour, 0, 0);
                if (!hours.TryGetValue(hour, out var h))
                {
                    h = new Stats(new MessageDelayRow
                    {
                        GroupBy = MessageDelayGroupBy.Hour,
                        Key = hour.ToString("yyyy-MM-dd HH:00", CultureInfo.InvariantCulture),
                    });
                    hours[hour] = h;
                }

                h.Add(start, m.Delivered, m.Deferred);
            }

            if (wantDomains)
            {
                foreach (var pair in m.Domains)
                {
                    var domain = pair.Key;
                    if (!domains.TryGetValue(domain, out var d))
                    {
                        if (domains.Count >= options.MaximumDomains)
                        {
                            domain = OtherDomains;
                            domains.TryGetValue(domain, out d);
                        }

                        if (d is null)
                        {
                            d = new Stats(new MessageDelayRow { GroupBy = MessageDelayGroupBy.RecipientDomain, Key = domain });
                            domains[domain] = d;
                        }
                    }

                    d.Add(start, pair.Value.Delivered, pair.Value.Deferred);
                }
            }

            if (wantMessages && (options.MinimumDelay is not { } least || m.Delay is not { } delay || delay >= least))
            {
                var one = new Stats(new MessageDelayRow { GroupBy = MessageDelayGroupBy.Message, Key = m.MessageId ?? m.QueueId ?? string.Empty, QueueId = m.QueueId });
                one.Add(start, m.Delivered, m.Deferred);
                yield return Outcome<MessageDelayRow>.Success(one.Finish());
            }
        }

        if (wantTotal)
        {
            yield return Outcome<MessageDelayRow>.Success(total.Finish());
        }

        foreach (var h in hours.Values)
        {
            yield return Outcome<MessageDelayRow>.Success(h.Finish());
        }

        foreach (var d in domains.Values.Select(s => s.Finish()).OrderByDescending(r => r.P95 ?? TimeSpan.Zero).ThenBy(r => r.Key, StringComparer.Ordinal))
        {
            yield return Outcome<MessageDelayRow>.Success(d);
        }
    }

    /// <summary>The nearest-rank percentile of sorted values: the value at rank ⌈p·n⌉ (1-based).</summary>
    public static double Percentile(IReadOnlyList<double> sorted, double p)
    {
        if (sorted is null || sorted.Count == 0)
        {
            throw new ArgumentException("No values.", nameof(sorted));
        }

        var rank = (int)Math.Ceiling(p / 100 * sorted.Count);
        return sorted[Math.Min(sorted.Count, Math.Max(1, rank)) - 1];
    }

    /// <summary>Fills the statistics of a row from delays in seconds (any order).</summary>
    public static void Describe(MessageDelayRow row, List<double> seconds)
    {
        if (row is null || seconds is null || seconds.Count == 0)
        {
            return;
        }

        seconds.Sort();
        row.P50 = Seconds(Percentile(seconds, 50));
        row.P90 = Seconds(Percentile(seconds, 90));
        row.P95 = Seconds(Percentile(seconds, 95));
        row.P99 = Seconds(Percentile(seconds, 99));
        row.Maximum = Seconds(seconds[seconds.Count - 1]);
        row.Average = Seconds(seconds.Average());
    }

    private static TimeSpan Seconds(double s) => TimeSpan.FromTicks((long)Math.Round(s * TimeSpan.TicksPerSecond));

    private sealed class Stats
    {
        private readonly MessageDelayRow _row;
        private readonly List<double> _seconds = new();

        public Stats(MessageDelayRow row) => _row = row;

        public void Add(DateTimeOffset received, DateTimeOffset? delivered, bool deferred)
        {
            var r = _row;
            if (r.FirstReceived is null || received < r.FirstReceived)
            {
                r.FirstReceived = received;
            }

            if (deferred)
            {
                r.Deferred++;
            }

            if (delivered is not { } d)
            {
                r.Undelivered++;
                return;
            }

            r.Delivered++;
            _seconds.Add(d < received ? 0 : (d - received).TotalSeconds);
            if (r.LastDelivered is null || d > r.LastDelivered)
            {
                r.LastDelivered = d;
            }
        }

        public MessageDelayRow Finish()
        {
            Describe(_row, _seconds);
            return _row;
        }
    }
}
