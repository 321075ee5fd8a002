using System;
using System.Collections.Generic;
using System.Linq;

namespace Outage.Tools.Core.Checks;

/// <summary>The outcome of one check. Fail: the thing checked is broken; Error: the check itself could not run.</summary>
public enum CheckStatus
{
    Pass = 0,
    Warn = 1,
    Fail = 2,
    Error = 3,
}

/// <summary>The layer a check looks at.</summary>
public enum CheckArea
{
    Queue,
    Mime,
    Dns,
    Endpoint,

    /// <summary>The provider's own view: Microsoft 365 service health (Graph).</summary>
    ServiceHealth,

    /// <summary>What the MTA's own log says of the last window: deferral rate and delivery delay.</summary>
    Log,
}

/// <summary>
/// One result of Invoke-OutageCheck, uniform across the four areas so people and runbooks read them the same
/// way and results of many hosts merge (every result carries <see cref="ComputerName"/>).
/// </summary>
public sealed class OutageCheckResult
{
    public OutageCheckResult(CheckArea area, string target, string check, CheckStatus status, string summary,
        string? detail = null, IEnumerable<string>? evidence = null, DateTimeOffset? timestamp = null, TimeSpan duration = default,
        string? computerName = null, double? value = null, string? unit = null)
    {
        Area = area;
        Target = target ?? string.Empty;
        Check = check ?? throw new ArgumentNullException(nameof(check));
        Status = status;
        Summary = summary ?? string.Empty;
        Detail = detail;
        Evidence = (evidence ?? Enumerable.Empty<string>()).ToArray();
        // Millisecond precision: what the history file keeps, so Since compares equal across runs.
        var t = timestamp ?? DateTimeOffset.UtcNow;
        Timestamp = new DateTimeOffset(t.Ticks - (t.Ticks % TimeSpan.TicksPerMillisecond), t.Offset);
        Duration = duration;
        ComputerName = computerName ?? Environment.MachineName;
        Value = value;
        Unit = unit;
        Since = Timestamp;
    }

    public CheckArea Area { get; }

    /// <summary>What was checked: a queue, a folder, a domain, a URL, a host.</summary>
    public string Target { get; }

    /// <summary>Stable check id, e.g. <c>queue-size</c>, <c>poison-messages</c>, <c>mx-present</c>, <c>owa</c>.</summary>
    public string Check { get; }

    public CheckStatus Status { get; }

    /// <summary>One line for people.</summary>
    public string Summary { get; }

    /// <summary>More text: the reason, the thresholds applied.</summary>
    public string? Detail { get; }

    /// <summary>What was seen: records, rule findings, queue reasons.</summary>
    public IReadOnlyList<string> Evidence { get; }

    /// <summary>When the check ran.</summary>
    public DateTimeOffset Timestamp { get; }

    /// <summary>Since when this status holds, from the run history (the timestamp itself without history).</summary>
    public DateTimeOffset Since { get; internal set; }

    public TimeSpan Duration { get; }

    /// <summary>The host that ran the check.</summary>
    public string ComputerName { get; }

    /// <summary>The measured number, when there is one (queued messages, days to expiry, milliseconds).</summary>
    public double? Value { get; }

    /// <summary>The unit of <see cref="Value"/>.</summary>
    public string? Unit { get; }

    /// <summary>Earlier measurements of <see cref="Value"/> this check saw (queue snapshots), oldest first; the report draws them.</summary>
    public IReadOnlyList<TrendPoint> Trend { get; private set; } = Array.Empty<TrendPoint>();

    /// <summary>Sets <see cref="Trend"/>.</summary>
    public OutageCheckResult WithTrend(IEnumerable<TrendPoint> points)
    {
        Trend = (points ?? throw new ArgumentNullException(nameof(points))).OrderBy(p => p.Time).ToArray();
        return this;
    }

    /// <summary>The key that identifies the same check across runs.</summary>
    public string Key => $"{ComputerName}|{Area}|{Target}|{Check}";

    /// <summary>Sets <see cref="Since"/> (history and deserialized input).</summary>
    public OutageCheckResult WithSince(DateTimeOffset since)
    {
        Since = since <= Timestamp ? since : Timestamp;
        return this;
    }

    public override string ToString() => $"{Area} {Target} {Check}: {Status} {Summary}";
}

/// <summary>One measurement in time.</summary>
public sealed class TrendPoint
{
    public TrendPoint(DateTimeOffset time, double value) => (Time, Value) = (time, value);

    public DateTimeOffset Time { get; }

    public double Value { get; }

    public override string ToString() => $"{Time:o} {Value}";
}
