using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Outage.Tools.Core.Operations;

namespace Outage.Tools.Core.Logs;

/// <summary>What the rows of a mail log summary are (pflogsumm's and eximstats' sections).</summary>
public enum MailLogGroupBy
{
    /// <summary>One row: the grand totals.</summary>
    Total,

    /// <summary>One row per hour (in the log's times, as written).</summary>
    Hour,

    /// <summary>One row per recipient domain: deliveries with average and maximum delay, deferrals, bounces.</summary>
    RecipientDomain,

    /// <summary>One row per deferral, bounce or reject reason, with when it was first and last seen.</summary>
    Reason,
}

/// <summary>One row of Measure-MailLog. Counts are of events: a message to two recipients delivered is two deliveries.</summary>
public sealed class MailLogSummaryRow
{
    public MailLogGroupBy GroupBy { get; set; }

    /// <summary>"" (Total), the hour "yyyy-MM-dd HH:00" (Hour), the domain, or the reason.</summary>
    public string Key { get; set; } = string.Empty;

    /// <summary>For Reason rows: whether it is a Deferred, Bounced or Rejected reason.</summary>
    public MailLogStatus? Status { get; set; }

    /// <summary>For Reason rows: the number of events with this reason.</summary>
    public long Count { get; set; }

    /// <summary>Messages received (Postfix smtpd client= and pickup lines, Exim &lt;=, Exchange RECEIVE).</summary>
    public long Received { get; set; }

    /// <summary>Deliveries (one per recipient), not counting Postfix forwards.</summary>
    public long Delivered { get; set; }

    /// <summary>Postfix deliveries that were forwards ("forwarded as").</summary>
    public long Forwarded { get; set; }

    /// <summary>Distinct messages with at least one deferral.</summary>
    public long Deferred { get; set; }

    /// <summary>Deferral events.</summary>
    public long Deferrals { get; set; }

    public long Bounced { get; set; }

    public long Rejected { get; set; }

    public long Expired { get; set; }

    public long Frozen { get; set; }

    /// <summary>Bytes of the messages received (from the sizes logged).</summary>
    public long BytesReceived { get; set; }

    /// <summary>The mean delay of the deliveries (Postfix delay=, Exim QT=, Exchange from origination).</summary>
    public TimeSpan? AverageDelay { get; set; }

    /// <summary>The largest delay of deliveries and deferrals (pflogsumm counts deferrals here too).</summary>
    public TimeSpan? MaximumDelay { get; set; }

    /// <summary>The first event of this row.</summary>
    public DateTimeOffset? FirstSeen { get; set; }

    /// <summary>The last event of this row.</summary>
    public DateTimeOffset? LastSeen { get; set; }

    public override string ToString() => $"{GroupBy} {Key}: delivered {Delivered}, deferrals {Deferrals}, bounced {Bounced}, rejected {Rejected}";
}

/// <summary>Options of a summary.</summary>
public sealed class MailLogSummaryOptions
{
    public ISet<MailLogGroupBy> GroupBy { get; } = new HashSet<MailLogGroupBy>();

    /// <summary>Reason rows kept (most frequent first); the rest are summed in one "(other reasons)" row per status.</summary>
    public int MaximumReasons { get; set; } = 1000;

    /// <summary>Distinct recipient domains kept; beyond it deliveries go to "(other domains)", so memory stays bounded.</summary>
    public int MaximumDomains { get; set; } = 100_000;
}

/// <summary>
/// pflogsumm- and eximstats-like summary of a stream of events, in one pass with memory bounded by the number of
/// hours, domains and reasons (never by the number of messages, except the distinct-deferred-message set, which is
/// capped at <see cref="MaximumDeferredIds"/> ids). Counting follows pflogsumm 1.1.5: received = smtpd client= and
/// pickup lines; delivered = status=sent lines except forwards; deferred = distinct queue ids with a deferral,
/// deferrals = deferral lines; bounced = status=bounced lines; rejected = reject lines; the per-domain average delay
/// is over deliveries, the maximum over deliveries and deferrals.
/// </summary>
public static class MailLogSummary
{
    public const int MaximumDeferredIds = 1_000_000;

    public static IEnumerable<Outcome<MailLogSummaryRow>> Run(IEnumerable<Outcome<MailLogEvent>> events, MailLogSummaryOptions options,
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

    private static IEnumerable<Outcome<MailLogSummaryRow>> Iterate(IEnumerable<Outcome<MailLogEvent>> events, MailLogSummaryOptions options,
        CancellationToken ct)
    {
        var total = new Accumulator(new MailLogSummaryRow { GroupBy = MailLogGroupBy.Total });
        var hours = new SortedDictionary<DateTime, Accumulator>();
        var domains = new Dictionary<string, Accumulator>(StringComparer.OrdinalIgnoreCase);
        var reasons = new Dictionary<(MailLogStatus, string), MailLogSummaryRow>();
        var deferredIds = new HashSet<string>(StringComparer.Ordinal);
        var groups = options.GroupBy.Count == 0 ? new HashSet<MailLogGroupBy> { MailLogGroupBy.Total } : options.GroupBy;
        var wantHours = groups.Contains(MailLogGroupBy.Hour);
        var wantDomains = groups.Contains(MailLogGroupBy.RecipientDomain);
        var wantReasons = groups.Contains(MailLogGroupBy.Reason);
        long n = 0;
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
                    OutcomeKind.Error => Outcome<MailLogSummaryRow>.Failure(o.Error!),
                    OutcomeKind.Warning => Outcome<MailLogSummaryRow>.Warn(o.Text ?? string.Empty),
                    _ => Outcome<MailLogSummaryRow>.Note(o.Text ?? string.Empty),
                };
                continue;
            }

            var ev = o.Value!;
            var newDeferredMessage = false;
            if (ev.Status == MailLogStatus.Deferred)
            {
                var id = ev.QueueId ?? ev.MessageId;
                newDeferredMessage = id is null || deferredIds.Count >= MaximumDeferredIds ? id is null : deferredIds.Add(id);
            }

            total.Add(ev, newDeferredMessage);
            if (wantHours)
            {
                var local = ev.Time.DateTime;
                var hour = new DateTime(local.Year, local.Month, local.Day, local.Hour, 0, 0);
                if (!hours.TryGetValue(hour, out var h))
                {
                    h = new Accumulator(new MailLogSummaryRow
                    {
                        GroupBy = MailLogGroupBy.Hour,
                        Key = hour.ToString("yyyy-MM-dd HH:00", System.Globalization.CultureInfo.InvariantCulture),
                    });
                    hours[hour] = h;
                }

                h.Add(ev, newDeferredMessage);
            }

            if (wantDomains && ev.Status is MailLogStatus.Sent or MailLogStatus.Deferred or MailLogStatus.Bounced or MailLogStatus.Expired
                && ev.RecipientDomain is { } domain)
            {
                if (!domains.TryGetValue(domain, out var d))
                {
                    if (domains.Count >= options.MaximumDomains && !domains.TryGetValue("(other domains)", out d))
                    {
                        domain = "(other domains)";
                    }

                    if (d is null)
                    {
                        d = new Accumulator(new MailLogSummaryRow { GroupBy = MailLogGroupBy.RecipientDomain, Key = domain });
                        domains[domain] = d;
                    }
                }

                d.Add(ev, newDeferredMessage);
            }

            if (wantReasons && ev.Status is MailLogStatus.Deferred or MailLogStatus.Bounced or MailLogStatus.Rejected or MailLogStatus.Frozen
                or MailLogStatus.Poison)
            {
                var key = (ev.Status, ev.Reason ?? string.Empty);
                if (!reasons.TryGetValue(key, out var r))
                {
                    if (reasons.Count >= options.MaximumReasons * 10)
                    {
                        key = (ev.Status, "(other reasons)");
                        reasons.TryGetValue(key, out r);
                    }

                    if (r is null)
                    {
                        r = new MailLogSummaryRow { GroupBy = MailLogGroupBy.Reason, Key = key.Item2, Status = ev.Status, FirstSeen = ev.Time };
                        reasons[key] = r;
                    }
                }

                r.Count++;
                if (ev.Time < r.FirstSeen)
                {
                    r.FirstSeen = ev.Time;
                }

                if (r.LastSeen is null || ev.Time > r.LastSeen)
                {
                    r.LastSeen = ev.Time;
                }
            }
        }

        if (groups.Contains(MailLogGroupBy.Total))
        {
            yield return Outcome<MailLogSummaryRow>.Success(total.Finish());
        }

        foreach (var h in hours.Values)
        {
            yield return Outcome<MailLogSummaryRow>.Success(h.Finish());
        }

        foreach (var d in domains.Values.Select(a => a.Finish()).OrderByDescending(r => r.Delivered).ThenBy(r => r.Key, StringComparer.Ordinal))
        {
            yield return Outcome<MailLogSummaryRow>.Success(d);
        }

        foreach (var r in reasons.Values.OrderBy(r => r.Status).ThenByDescending(r => r.Count).ThenBy(r => r.Key, StringComparer.Ordinal)
                     .Take(options.MaximumReasons))
        {
            yield return Outcome<MailLogSummaryRow>.Success(r);
        }
    }

    private sealed class Accumulator
    {
        private readonly MailLogSummaryRow _row;
        private double _delaySeconds;
        private long _delayCount;

        public Accumulator(MailLogSummaryRow row) => _row = row;

        public void Add(MailLogEvent ev, bool newDeferredMessage)
        {
            var r = _row;
            switch (ev.Status)
            {
                case MailLogStatus.Queued:
                    // Postfix logs the size on qmgr's from= line, after the client= line (pflogsumm adds it there too).
                    if (ev.Format == MailLogFormat.Postfix && ev.Action == "from")
                    {
                        r.BytesReceived += ev.Size ?? 0;
                    }

                    return;
                case MailLogStatus.Received:
                    if (ev.IsContinuation)
                    {
                        return;
                    }

                    r.Received++;
                    if (ev.Format != MailLogFormat.Postfix)
                    {
                        r.BytesReceived += ev.Size ?? 0;
                    }

                    break;
                case MailLogStatus.Sent:
                    if (ev.Reason is not null && ev.Reason.IndexOf("forwarded as ", StringComparison.Ordinal) >= 0)
                    {
                        r.Forwarded++;
                        break;
                    }

                    r.Delivered++;
                    if (ev.Delay is { } delay)
                    {
                        _delaySeconds += delay.TotalSeconds;
                        _delayCount++;
                        Max(delay);
                    }

                    break;
                case MailLogStatus.Deferred:
                    r.Deferrals++;
                    if (newDeferredMessage)
                    {
                        r.Deferred++;
                    }

                    if (ev.Delay is { } d)
                    {
                        Max(d);
                    }

                    break;
                case MailLogStatus.Bounced:
                    r.Bounced++;
                    break;
                case MailLogStatus.Rejected:
                    r.Rejected++;
                    break;
                case MailLogStatus.Expired:
                    r.Expired++;
                    break;
                case MailLogStatus.Frozen:
                    r.Frozen++;
                    break;
                default:
                    return;
            }

            r.Count++;
            if (r.FirstSeen is null || ev.Time < r.FirstSeen)
            {
                r.FirstSeen = ev.Time;
            }

            if (r.LastSeen is null || ev.Time > r.LastSeen)
            {
                r.LastSeen = ev.Time;
            }
        }

        private void Max(TimeSpan delay)
        {
            if (_row.MaximumDelay is null || delay > _row.MaximumDelay)
            {
                _row.MaximumDelay = delay;
            }
        }

        public MailLogSummaryRow Finish()
        {
            if (_delayCount > 0)
            {
                _row.AverageDelay = TimeSpan.FromTicks((long)(_delaySeconds / _delayCount * TimeSpan.TicksPerSecond));
            }

            return _row;
        }
    }
}
