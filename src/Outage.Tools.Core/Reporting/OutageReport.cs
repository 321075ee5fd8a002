using System;
using System.Collections.Generic;
using System.Linq;
using Outage.Tools.Core.Checks;

namespace Outage.Tools.Core.Reporting;

/// <summary>
/// What a report shows: the latest result of every check (results of several runs and hosts merged), the worst
/// status per area, and the queue backlog over time from every run's queue-size values.
/// </summary>
public sealed class OutageReport
{
    public OutageReport(IEnumerable<OutageCheckResult> results, DateTimeOffset? generated = null, string title = "Mail outage report")
    {
        var all = (results ?? throw new ArgumentNullException(nameof(results))).ToList();
        Generated = generated ?? DateTimeOffset.UtcNow;
        Title = title;
        // The latest result per check; older ones only feed the timeline.
        Latest = all.GroupBy(r => r.Key, StringComparer.Ordinal)
            .Select(g => g.OrderBy(r => r.Timestamp).Last())
            .OrderBy(r => r.Area).ThenByDescending(r => r.Status).ThenBy(r => r.Target, StringComparer.Ordinal).ThenBy(r => r.Check, StringComparer.Ordinal)
            .ToList();
        // Backlog series: every queue-size value and every trend point it carries, per host and queue. A queue-size
        // result without a value (another tool's, a hand edit) draws nothing: no empty series.
        Backlog = all.Where(r => r.Area == CheckArea.Queue && r.Check == "queue-size")
            .GroupBy(r => r.ComputerName + " " + r.Target, StringComparer.Ordinal)
            .Select(g => (g.Key, Points: (IReadOnlyList<(DateTimeOffset Time, double Count)>)g
                .SelectMany(r => r.Trend.Select(p => (p.Time, p.Value)).Concat(r.Value.HasValue ? new[] { (r.Timestamp, r.Value.Value) } : Array.Empty<(DateTimeOffset, double)>()))
                .GroupBy(p => p.Item1).Select(x => (x.Key, x.Last().Item2)).OrderBy(p => p.Key).ToList()))
            .Where(s => s.Points.Count > 0)
            .ToDictionary(s => s.Key, s => s.Points, StringComparer.Ordinal);
        // Deferrals per hour: the trend of each log's latest deferral-rate result (it already holds every hour of the log).
        Deferrals = Latest.Where(r => r.Area == CheckArea.Log && r.Check == "deferral-rate" && r.Trend.Count > 0)
            .ToDictionary(r => r.ComputerName + " " + r.Target, r => (IReadOnlyList<(DateTimeOffset Time, double Count)>)r.Trend.Select(p => (p.Time, p.Value)).ToList(),
                StringComparer.Ordinal);
    }

    /// <summary>Deferrals per hour from mail logs: key "host log" → hourly counts in time order.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<(DateTimeOffset Time, double Count)>> Deferrals { get; }

    /// <summary>The probable causes of the latest results, most severe first (<see cref="ProbableCauseRules"/>).</summary>
    public IReadOnlyList<ProbableCause> Causes => _causes ??= ProbableCauseRules.Derive(Latest);

    private IReadOnlyList<ProbableCause>? _causes;

    public string Title { get; }

    public DateTimeOffset Generated { get; }

    public IReadOnlyList<OutageCheckResult> Latest { get; }

    /// <summary>Queue backlog series: key "host queue" → points in time order.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<(DateTimeOffset Time, double Count)>> Backlog { get; }

    public static readonly CheckArea[] Areas = { CheckArea.Queue, CheckArea.Mime, CheckArea.Dns, CheckArea.Endpoint, CheckArea.ServiceHealth, CheckArea.Log };

    /// <summary>Worst status of an area, or null when nothing of it was checked.</summary>
    public CheckStatus? AreaStatus(CheckArea area)
    {
        var of = Latest.Where(r => r.Area == area).ToList();
        return of.Count == 0 ? null : of.Max(r => r.Status);
    }

    /// <summary>Overall status: the worst of all.</summary>
    public CheckStatus? Overall => Latest.Count == 0 ? null : Latest.Max(r => r.Status);

    /// <summary>Results whose status changed most recently first: what changed and when.</summary>
    public IEnumerable<OutageCheckResult> Changes => Latest.Where(r => r.Status != CheckStatus.Pass || r.Since > r.Timestamp.AddHours(-24))
        .OrderByDescending(r => r.Since).ThenByDescending(r => r.Status);
}
