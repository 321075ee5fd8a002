using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace Outage.Tools.Core.Checks;

/// <summary>
/// Rebuilds an <see cref="OutageCheckResult"/> from named properties: a history line, a line of
/// <c>outage check --format json</c>, or a deserialized object from remoting (Invoke-Command), whose
/// DateTimeOffset arrives as a property bag and whose host may only be in PSComputerName.
/// </summary>
public static class OutageCheckResultReader
{
    /// <summary>Returns null when the properties are not those of a check result.</summary>
    public static OutageCheckResult? FromProperties(Func<string, object?> get) => FromProperties(get, out _);

    /// <summary>
    /// Returns null when the properties are not those of a check result, with <paramref name="problem"/> naming
    /// the field and what is wrong with it. Only area, check and status are required; every other field takes a
    /// default (target and summary empty, timestamp now, since = timestamp, computer name this host, duration 0),
    /// so results of an older version, another tool or a hand edit are read.
    /// </summary>
    public static OutageCheckResult? FromProperties(Func<string, object?> get, out string? problem)
    {
        if (get is null)
        {
            throw new ArgumentNullException(nameof(get));
        }

        if (!TryEnum<CheckArea>(get("Area"), out var area))
        {
            problem = Missing(get("Area"), "area", "one of Queue, Mime, Dns, Endpoint, ServiceHealth, Log");
            return null;
        }

        if (!TryEnum<CheckStatus>(get("Status"), out var status))
        {
            problem = Missing(get("Status"), "status", "one of Pass, Warn, Fail, Error");
            return null;
        }

        if (Text(get("Check")) is not string check || check.Length == 0)
        {
            problem = "the field 'check' is missing";
            return null;
        }

        if (!TryDuration(get("Duration"), out var duration))
        {
            problem = $"the field 'duration' ({Show(get("Duration"))}) is not a duration between 0 and {MaxDuration.TotalDays:0} days";
            return null;
        }

        problem = null;
        var timestamp = Time(get("Timestamp")) ?? DateTimeOffset.UtcNow;
        var computer = Text(get("ComputerName")) ?? Text(get("PSComputerName"));
        var result = new OutageCheckResult(area, Text(get("Target")) ?? string.Empty, check, status, Text(get("Summary")) ?? string.Empty,
            Text(get("Detail")), Strings(get("Evidence")), timestamp, duration, computer, Number(get("Value")), Text(get("Unit")));
        if (get("Trend") is IEnumerable points and not string)
        {
            result.WithTrend(points.Cast<object?>().Select(Point).Where(p => p is not null).Select(p => p!));
        }

        return result.WithSince(Time(get("Since")) ?? timestamp);
    }

    private static TrendPoint? Point(object? item) => item switch
    {
        IDictionary<string, object?> d when Time(Get(d, "time")) is DateTimeOffset t && Number(Get(d, "value")) is double v => new TrendPoint(t, v),
        TrendPoint p => p,
        _ => null,
    };

    private static object? Get(IDictionary<string, object?> d, string key) =>
        d.FirstOrDefault(p => string.Equals(p.Key, key, StringComparison.OrdinalIgnoreCase)).Value;

    /// <summary>The same from a dictionary (case-insensitive keys).</summary>
    public static OutageCheckResult? FromTable(IDictionary<string, object?> table) => FromTable(table, out _);

    /// <summary>The same, with the reason when it is not a result.</summary>
    public static OutageCheckResult? FromTable(IDictionary<string, object?> table, out string? problem)
    {
        if (table is null)
        {
            throw new ArgumentNullException(nameof(table));
        }

        return FromProperties(name => table.TryGetValue(name, out var v) ? v
            : table.FirstOrDefault(p => string.Equals(p.Key, name, StringComparison.OrdinalIgnoreCase)).Value, out problem);
    }

    private static string Missing(object? value, string field, string expected) => value is null
        ? $"the field '{field}' is missing"
        : $"the field '{field}' ({Show(value)}) is not {expected}";

    private static string Show(object? value)
    {
        var text = Text(value) ?? "null";
        return text.Length > 40 ? text.Substring(0, 40) + "…" : text;
    }

    /// <summary>
    /// A defined member, by name or by number (a deserialized enum arrives as its number): numbers that are no
    /// member, such as "7" or "-1", are refused instead of being rendered as statuses.
    /// </summary>
    private static bool TryEnum<T>(object? value, out T result)
        where T : struct
    {
        result = default;
        var text = value is T t ? t.ToString() : Text(value)?.Trim();
        return text is { Length: > 0 } && Enum.TryParse(text, true, out result) && Enum.IsDefined(typeof(T), result);
    }

    private static string? Text(object? value) => value switch
    {
        null => null,
        string s => s,
        _ => Convert.ToString(value, CultureInfo.InvariantCulture),
    };

    private static IEnumerable<string>? Strings(object? value) => value switch
    {
        null => null,
        string s => new[] { s },
        IEnumerable e => e.Cast<object?>().Select(x => Text(x) ?? string.Empty).ToList(),
        _ => new[] { Text(value) ?? string.Empty },
    };

    private static double? Number(object? value) => value switch
    {
        null => null,
        double d => d,
        IConvertible c when value is not string => c.ToDouble(CultureInfo.InvariantCulture),
        string s when double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => d,
        _ => null,
    };

    /// <summary>Longest duration a result may carry (a check that ran longer than a day is not a check result).</summary>
    private static readonly TimeSpan MaxDuration = TimeSpan.FromDays(1);

    /// <summary>
    /// A duration: a TimeSpan, seconds as a number, or TimeSpan text; absent is zero. Negative, non-finite or
    /// over <see cref="MaxDuration"/> is refused (a line with <c>"duration":1e300</c> must not overflow every later read).
    /// </summary>
    private static bool TryDuration(object? value, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        double? seconds = value switch
        {
            null => 0,
            TimeSpan t => t.TotalSeconds,
            string s when TimeSpan.TryParse(s, CultureInfo.InvariantCulture, out var t) => t.TotalSeconds,
            string s when double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var secs) => secs,
            string => null,
            IConvertible c => c.ToDouble(CultureInfo.InvariantCulture),
            _ => null,
        };
        if (seconds is not double d || double.IsNaN(d) || d < 0 || d > MaxDuration.TotalSeconds)
        {
            return false;
        }

        duration = value is TimeSpan exact ? exact : TimeSpan.FromTicks((long)(d * TimeSpan.TicksPerSecond));
        return true;
    }

    /// <summary>Accepts DateTimeOffset, DateTime, ISO text, or a deserialized DateTimeOffset's property bag (via ToString of UtcDateTime).</summary>
    public static DateTimeOffset? Time(object? value) => value switch
    {
        null => null,
        DateTimeOffset d => d,
        DateTime d => d.Kind == DateTimeKind.Unspecified ? new DateTimeOffset(DateTime.SpecifyKind(d, DateTimeKind.Utc)) : new DateTimeOffset(d),
        string s when DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var t) => t,
        _ => null,
    };
}
