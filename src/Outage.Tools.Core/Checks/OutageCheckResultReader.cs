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
    public static OutageCheckResult? FromProperties(Func<string, object?> get)
    {
        if (get is null)
        {
            throw new ArgumentNullException(nameof(get));
        }

        if (!TryEnum<CheckArea>(get("Area"), out var area) || !TryEnum<CheckStatus>(get("Status"), out var status) || get("Check") is null)
        {
            return null;
        }

        var timestamp = Time(get("Timestamp")) ?? DateTimeOffset.UtcNow;
        var computer = Text(get("ComputerName")) ?? Text(get("PSComputerName"));
        var result = new OutageCheckResult(area, Text(get("Target")) ?? string.Empty, Text(get("Check"))!, status, Text(get("Summary")) ?? string.Empty,
            Text(get("Detail")), Strings(get("Evidence")), timestamp, Duration(get("Duration")), computer, Number(get("Value")), Text(get("Unit")));
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
    public static OutageCheckResult? FromTable(IDictionary<string, object?> table)
    {
        if (table is null)
        {
            throw new ArgumentNullException(nameof(table));
        }

        return FromProperties(name => table.TryGetValue(name, out var v) ? v
            : table.FirstOrDefault(p => string.Equals(p.Key, name, StringComparison.OrdinalIgnoreCase)).Value);
    }

    private static bool TryEnum<T>(object? value, out T result)
        where T : struct
    {
        if (value is T t)
        {
            result = t;
            return true;
        }

        result = default;
        return value is not null && Enum.TryParse(value.ToString(), true, out result);
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

    private static TimeSpan Duration(object? value) => value switch
    {
        TimeSpan t => t,
        double seconds => TimeSpan.FromSeconds(seconds),
        string s when TimeSpan.TryParse(s, CultureInfo.InvariantCulture, out var t) => t,
        string s when double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var secs) => TimeSpan.FromSeconds(secs),
        _ => TimeSpan.Zero,
    };

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
