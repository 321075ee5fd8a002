using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading;
using Outage.Tools.Core.Logs;
using Outage.Tools.Core.Operations;
using Outage.Tools.Core.Queue;

namespace Outage.Tools.Core.Checks.Providers;

/// <summary>
/// What the MTA's own log says, per <c>Logs</c> entry, over its last window (ending at the latest event of the
/// logs, so a copied log is judged as of when it was written): <c>deferral-rate</c>, deferrals per minute with the
/// top reason and since when it has been the top reason hour after hour; <c>delivery-delay</c>, the 95th-percentile
/// end-to-end delay (receipt to last delivery, <see cref="MessageDelay"/>) of the messages delivered in the window.
/// The deferral-rate result carries the deferrals per hour as its trend, which the report draws beside the backlog.
/// </summary>
public sealed class LogCheckProvider : IOutageCheckProvider
{
    public const string DeferralRate = "deferral-rate";
    public const string DeliveryDelay = "delivery-delay";

    /// <summary>Distinct reasons counted per hour; the rest are "(other reasons)", so memory stays bounded.</summary>
    private const int MaximumReasonsPerHour = 200;

    private const string OtherReasons = "(other reasons)";

    public CheckArea Area => CheckArea.Log;

    public IEnumerable<CheckUnit> Plan(OutageCheckConfiguration configuration)
    {
        if (configuration is null)
        {
            throw new ArgumentNullException(nameof(configuration));
        }

        foreach (var spec in configuration.Logs)
        {
            yield return new CheckUnit(Area, spec.DisplayName, DeferralRate, ct => Check(spec, configuration.Thresholds, ct));
        }
    }

    private static IEnumerable<OutageCheckResult> Check(LogSourceSpec spec, OutageThresholds thresholds, CancellationToken ct)
    {
        var request = new MailLogRequest { Format = spec.Format, UtcOffset = spec.UtcOffset, Year = spec.Year };
        foreach (var file in spec.Files())
        {
            request.Inputs.Add(MailLogInput.FromPath(file));
        }

        return Evaluate(MailLog.Read(request, null, ct), spec, thresholds, null, ct);
    }

    /// <summary>
    /// The two results of one log source from its events (public for tests and other front ends). Reader errors
    /// (a missing file, an unknown format) with no event at all make one Error result; otherwise they are evidence.
    /// </summary>
    public static IEnumerable<OutageCheckResult> Evaluate(IEnumerable<Outcome<MailLogEvent>> events, LogSourceSpec spec, OutageThresholds thresholds,
        DateTimeOffset? timestamp = null, CancellationToken ct = default)
    {
        if (events is null || spec is null || thresholds is null)
        {
            throw new ArgumentNullException(events is null ? nameof(events) : spec is null ? nameof(spec) : nameof(thresholds));
        }

        var (rateWarn, rateFail, delayWarn, delayFail) = spec.Limits(thresholds);
        var started = DateTimeOffset.UtcNow;
        var target = spec.DisplayName;
        var window = spec.Window;
        var problems = new List<string>();
        long eventCount = 0;
        DateTimeOffset? first = null, last = null;
        var deferrals = new List<(DateTimeOffset Time, string Reason, string? Domain)>();
        var hours = new SortedDictionary<DateTime, Hour>();

        IEnumerable<Outcome<MailLogEvent>> Tap()
        {
            foreach (var o in events)
            {
                if (o.Kind == OutcomeKind.Result)
                {
                    var ev = o.Value!;
                    eventCount++;
                    if (first is null || ev.Time < first)
                    {
                        first = ev.Time;
                    }

                    if (last is null || ev.Time > last)
                    {
                        last = ev.Time;
                    }

                    if (ev.Status == MailLogStatus.Deferred)
                    {
                        var reason = Reason(ev.Reason);
                        deferrals.Add((ev.Time, reason, ev.RecipientDomain));
                        Prune(deferrals, last.Value - window, d => d.Time);
                        var local = ev.Time.DateTime;
                        var key = new DateTime(local.Year, local.Month, local.Day, local.Hour, 0, 0);
                        if (!hours.TryGetValue(key, out var h))
                        {
                            h = new Hour(ev.Time.AddTicks(-(ev.Time.DateTime.Ticks - key.Ticks)));
                            hours[key] = h;
                        }

                        h.Add(reason, ev.Time);
                    }
                }
                else if (o.Kind == OutcomeKind.Error || (o.Kind == OutcomeKind.Warning && problems.Count < 20))
                {
                    problems.Add(o.Kind == OutcomeKind.Error ? $"{o.Error!.ErrorId}: {o.Error!.Message}" : o.Text ?? string.Empty);
                }

                yield return o;
            }
        }

        var delivered = new List<MessageDelay.Measured>();
        var undelivered = new List<MessageDelay.Measured>();
        foreach (var o in MessageDelay.Messages(Tap(), MessageDelayOptions.DefaultMaximumOpenMessages, ct))
        {
            if (o.Kind == OutcomeKind.Warning && problems.Count < 20)
            {
                problems.Add(o.Text ?? string.Empty);
            }

            if (o.Kind != OutcomeKind.Result || last is null)
            {
                continue;
            }

            var m = o.Value!;
            (m.Delivered is null ? undelivered : delivered).Add(m);
            Prune(delivered, last.Value - window, x => x.Delivered!.Value);
            Prune(undelivered, last.Value - window, x => x.Received!.Value);
        }

        var duration = DateTimeOffset.UtcNow - started;
        if (eventCount == 0 || last is null)
        {
            var why = problems.Count > 0 ? string.Join(" ", problems.Take(3)) : "the logs hold no mail event.";
            yield return new OutageCheckResult(CheckArea.Log, target, DeferralRate, problems.Count > 0 ? CheckStatus.Error : CheckStatus.Pass,
                problems.Count > 0 ? "The logs could not be read: " + why : "No mail event in the logs.", "Logs: " + string.Join(", ", spec.Paths),
                problems, timestamp, duration);
            yield break;
        }

        var end = last.Value;
        var start = end - window;
        // A log shorter than the window is rated over what it covers (at least a minute), not diluted by time it does not cover.
        var covered = TimeSpan.FromTicks(Math.Max(TimeSpan.TicksPerMinute, Math.Min(window.Ticks, (end - first!.Value).Ticks)));
        var inWindow = deferrals.Where(d => d.Time >= start).ToList();
        var rate = inWindow.Count / covered.TotalMinutes;
        var status = OutageThresholds.Grade(rate, rateWarn, rateFail);
        var windowText = $"{Minutes(covered)} to {Time(end)}";
        var stale = timestamp is null && DateTimeOffset.UtcNow - end > window
            ? $" The logs' latest event is at {Time(end)}, {Minutes(DateTimeOffset.UtcNow - end)} before this check: the window ends there (is the log still written?)."
            : string.Empty;
        var top = inWindow.GroupBy(d => d.Reason, StringComparer.Ordinal).Select(g => (Reason: g.Key, Count: g.Count(), First: g.Min(x => x.Time)))
            .OrderByDescending(g => g.Count).ThenBy(g => g.Reason, StringComparer.Ordinal).ToList();
        var evidence = new List<string> { $"window: {Time(start)} to {Time(end)} ({inWindow.Count} deferrals, {rate.ToString("0.##", CultureInfo.InvariantCulture)}/min)" };
        DateTimeOffset? dominantSince = null;
        string summary;
        if (top.Count == 0)
        {
            summary = $"No deferral in the last {windowText}.";
        }
        else
        {
            var lead = top[0];
            dominantSince = DominantSince(hours, lead.Reason) ?? lead.First;
            summary = $"{Rate(rate)} deferrals/min in the last {windowText} ({inWindow.Count}); top reason since {Time(dominantSince.Value)}: {lead.Reason} ({lead.Count})";
            evidence.AddRange(top.Take(5).Select(r => $"reason: {r.Count} × {r.Reason} (in the window from {Time(r.First)})"));
            evidence.AddRange(inWindow.Where(d => d.Domain is not null).GroupBy(d => d.Domain!, StringComparer.OrdinalIgnoreCase)
                .OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal).Take(5).Select(g => $"destination: {g.Count()} deferrals to {g.Key}"));
        }

        evidence.AddRange(hours.Reverse().Take(24).Select(h => $"hour {h.Key.ToString("yyyy-MM-dd HH:00", CultureInfo.InvariantCulture)}: {h.Value.Count} deferrals, top {h.Value.Top().Reason}"));
        evidence.AddRange(problems.Select(p => "log: " + p));
        var detail = $"Deferrals (Postfix status=deferred, Exim ==, Exchange DEFER) per minute over the logs' last {Minutes(window)}; Warn at {Rate(rateWarn)}/min, Fail at {Rate(rateFail)}/min." + stale;
        var rateResult = new OutageCheckResult(CheckArea.Log, target, DeferralRate, status, summary, detail, evidence, timestamp, duration, value: Math.Round(rate, 3),
            unit: "deferrals/min").WithTrend(HourlyTrend(hours, first.Value, end));
        if (status != CheckStatus.Pass && SinceOverWarn(hours, rateWarn) is { } since)
        {
            rateResult.WithSince(since);
        }

        yield return rateResult;

        // delivery-delay: the messages delivered in the window.
        var measured = delivered.Where(m => m.Delivered >= start).ToList();
        var stuck = undelivered.Where(m => m.Received >= start).ToList();
        // A message received in the window and not delivered by its end counts at its age so far (at least that late):
        // while the relay refuses, the waiting mail is the delay, not the few messages that still get through.
        var delays = measured.Select(m => m.Delay!.Value.TotalSeconds).Concat(stuck.Select(m => Math.Max(0, (end - m.Received!.Value).TotalSeconds))).ToList();
        var row = new MessageDelayRow();
        MessageDelay.Describe(row, delays);
        var delayEvidence = new List<string>();
        CheckStatus delayStatus;
        string delaySummary;
        double? value = null;
        if (row.P95 is { } p95)
        {
            value = Math.Round(p95.TotalMinutes, 2);
            delayStatus = OutageThresholds.Grade(p95.TotalMinutes, delayWarn, delayFail);
            delaySummary = $"p95 delivery delay {Short(p95)} over {measured.Count} messages delivered in the last {windowText}" +
                           (stuck.Count > 0 ? $" and {stuck.Count} not delivered (at their age so far)" : string.Empty) + $"; max {Short(row.Maximum)}";
            delayEvidence.Add($"p50 {Short(row.P50)}, p90 {Short(row.P90)}, p95 {Short(p95)}, p99 {Short(row.P99)}, max {Short(row.Maximum)}, average {Short(row.Average)} ({measured.Count} delivered, {stuck.Count} waiting)");
        }
        else
        {
            delayStatus = CheckStatus.Pass;
            delaySummary = $"No message received or delivered in the last {windowText}.";
        }

        if (stuck.Count > 0)
        {
            delayEvidence.Add($"undelivered: {stuck.Count} messages received in the window have no delivery by {Time(end)} ({stuck.Count(m => m.Deferred)} deferred)");
        }

        delayEvidence.AddRange(measured.SelectMany(m => m.Domains.Where(d => d.Value.Delivered >= start).Select(d => (Domain: d.Key, Seconds: (d.Value.Delivered!.Value - m.Received!.Value).TotalSeconds)))
            .GroupBy(d => d.Domain, StringComparer.OrdinalIgnoreCase)
            .Select(g => (g.Key, Sorted: g.Select(x => Math.Max(0, x.Seconds)).OrderBy(x => x).ToList()))
            .Select(g => (g.Key, P95: MessageDelay.Percentile(g.Sorted, 95), g.Sorted.Count))
            .OrderByDescending(g => g.P95).ThenBy(g => g.Key, StringComparer.Ordinal).Take(5)
            .Select(g => $"destination: {g.Key} p95 {Short(TimeSpan.FromSeconds(g.P95))} ({g.Count} messages)"));
        delayEvidence.AddRange(measured.OrderByDescending(m => m.Delay).Take(5)
            .Select(m => $"slowest: {m.MessageId ?? m.QueueId} received {Time(m.Received!.Value)}, delivered after {Short(m.Delay)}"));
        var delayResult = new OutageCheckResult(CheckArea.Log, target, DeliveryDelay, delayStatus, delaySummary,
            $"End-to-end delay (receipt to last delivery, as Measure-MessageDelay) of the messages delivered in the logs' last {Minutes(window)}; messages received in the window and not delivered count at their age so far; Warn at a p95 of {Rate(delayWarn)} min, Fail at {Rate(delayFail)} min." + stale,
            delayEvidence, timestamp, duration, value: value, unit: "minutes");
        if (delayStatus != CheckStatus.Pass && (measured.Where(m => m.Delay!.Value.TotalMinutes >= delayWarn).Select(m => m.Received).Concat(stuck.Select(m => m.Received)).Min() is { } slowSince))
        {
            delayResult.WithSince(slowSince);
        }

        yield return delayResult;
    }

    /// <summary>
    /// Deferrals per hour from the logs' first hour (at most a week back) to their last, hours without a deferral
    /// as 0, so the report shows when they began, not only the hours that had some.
    /// </summary>
    private static IEnumerable<TrendPoint> HourlyTrend(SortedDictionary<DateTime, Hour> hours, DateTimeOffset first, DateTimeOffset end)
    {
        static DateTimeOffset HourOf(DateTimeOffset t) => new(t.Year, t.Month, t.Day, t.Hour, 0, 0, t.Offset);
        var last = HourOf(end);
        var from = HourOf(first);
        if (last - from > TimeSpan.FromHours(MaximumTrendHours - 1))
        {
            from = last.AddHours(-(MaximumTrendHours - 1));
        }

        for (var h = from; h <= last; h = h.AddHours(1))
        {
            yield return new TrendPoint(h, hours.TryGetValue(h.DateTime, out var x) ? x.Count : 0);
        }
    }

    /// <summary>Hours of deferrals drawn: one week.</summary>
    private const int MaximumTrendHours = 168;

    /// <summary>Addresses in angle brackets vary per message ("&lt;bob@x&gt;: Recipient address rejected"); they are one reason.</summary>
    private static readonly Regex Address = new(@"<[^<>\s]*@[^<>\s]*>", RegexOptions.CultureInvariant | RegexOptions.Compiled);

    private static string Reason(string? reason)
    {
        if (string.IsNullOrWhiteSpace(reason))
        {
            return "(no reason given)";
        }

        // "delivery temporarily suspended: X" (qmgr's dead-destination cache) is X, as in the queue's reasons.
        var r = Address.Replace(QueueText.NormalizeReason(reason!.Trim()), "<…>");
        return r.Length > 300 ? r.Substring(0, 300) + "…" : r;
    }

    /// <summary>Drops entries older than the window's start once they are a good share of the list (amortised, any input order).</summary>
    private static void Prune<T>(List<T> list, DateTimeOffset start, Func<T, DateTimeOffset> time)
    {
        if (list.Count < 4096 || (list.Count & 1023) != 0)
        {
            return;
        }

        list.RemoveAll(x => time(x) < start);
    }

    /// <summary>The start of the trailing run of hours in which <paramref name="reason"/> was the top reason: its first time in the earliest of them.</summary>
    private static DateTimeOffset? DominantSince(SortedDictionary<DateTime, Hour> hours, string reason)
    {
        DateTimeOffset? since = null;
        DateTime? next = null;
        foreach (var pair in hours.Reverse())
        {
            if ((next is { } n && pair.Key != n.AddHours(-1)) || pair.Value.Top().Reason != reason)
            {
                break;
            }

            since = pair.Value.FirstOf(reason);
            next = pair.Key;
        }

        return since;
    }

    /// <summary>The first deferral of the trailing run of hours whose rate reached the Warn threshold.</summary>
    private static DateTimeOffset? SinceOverWarn(SortedDictionary<DateTime, Hour> hours, double warnPerMinute)
    {
        DateTimeOffset? since = null;
        DateTime? next = null;
        foreach (var pair in hours.Reverse())
        {
            if ((next is { } n && pair.Key != n.AddHours(-1)) || pair.Value.Count / 60.0 < warnPerMinute)
            {
                break;
            }

            since = pair.Value.First;
            next = pair.Key;
        }

        return since;
    }

    private sealed class Hour
    {
        private readonly Dictionary<string, (int Count, DateTimeOffset First)> _reasons = new(StringComparer.Ordinal);

        public Hour(DateTimeOffset start) => Start = start;

        public DateTimeOffset Start { get; }

        public int Count { get; private set; }

        public DateTimeOffset First { get; private set; } = DateTimeOffset.MaxValue;

        public void Add(string reason, DateTimeOffset time)
        {
            Count++;
            if (time < First)
            {
                First = time;
            }

            if (!_reasons.ContainsKey(reason) && _reasons.Count >= MaximumReasonsPerHour)
            {
                reason = OtherReasons;
            }

            _reasons.TryGetValue(reason, out var r);
            _reasons[reason] = (r.Count + 1, r.Count == 0 || time < r.First ? time : r.First);
        }

        public (string Reason, int Count) Top()
        {
            var best = _reasons.OrderByDescending(p => p.Value.Count).ThenBy(p => p.Key, StringComparer.Ordinal).First();
            return (best.Key, best.Value.Count);
        }

        public DateTimeOffset FirstOf(string reason) => _reasons[reason].First;
    }

    private static string Rate(double v) => v.ToString("0.##", CultureInfo.InvariantCulture);

    private static string Time(DateTimeOffset t) => t.ToString("yyyy-MM-dd HH:mm:ss zzz", CultureInfo.InvariantCulture);

    private static string Minutes(TimeSpan t) => t.TotalMinutes >= 120 && t.TotalHours == Math.Floor(t.TotalHours)
        ? ((long)t.TotalHours).ToString(CultureInfo.InvariantCulture) + " h"
        : Math.Round(t.TotalMinutes).ToString(CultureInfo.InvariantCulture) + " min";

    private static string Short(TimeSpan? t) => t is not { } v ? "?"
        : v.TotalHours >= 1 ? string.Format(CultureInfo.InvariantCulture, "{0}h{1:00}m", (long)Math.Floor(v.TotalHours), v.Minutes)
        : v.TotalMinutes >= 1 ? string.Format(CultureInfo.InvariantCulture, "{0}m{1:00}s", v.Minutes, v.Seconds)
        : v.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) + "s";
}
