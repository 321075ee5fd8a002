using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using Outage.Tools.Core.Logs;
using Outage.Tools.Core.Operations;

namespace Outage.Tools.Core.Checks;

/// <summary>
/// One entry of <c>Logs</c> in an outage check configuration: mail logs to read for the <c>deferral-rate</c> and
/// <c>delivery-delay</c> checks, over the last <see cref="Window"/> of the logs.
/// <code>
/// Logs = @(@{ Name = 'mx1'; Path = '/var/log/mail.log', '/var/log/mail.log.1'; Format = 'auto'; Window = '1h'
///             DeferralRateWarnPerMinute = 2; DeliveryDelayFailMinutes = 30 })
/// </code>
/// Thresholds not given in the entry come from the configuration's <c>Thresholds</c>.
/// </summary>
public sealed class LogSourceSpec
{
    public static readonly string[] Keys =
    {
        "Path", "Format", "Window", "Name", "UtcOffset", "Year", "DeferralRateWarnPerMinute", "DeferralRateFailPerMinute",
        "DeliveryDelayWarnMinutes", "DeliveryDelayFailMinutes",
    };

    /// <summary>Log files; a file name may hold wildcards (mail.log*). Relative to the configuration file.</summary>
    public List<string> Paths { get; } = new();

    public MailLogFormat Format { get; set; } = MailLogFormat.Auto;

    /// <summary>The last stretch of the logs the checks look at, ending at their latest event.</summary>
    public TimeSpan Window { get; set; } = TimeSpan.FromHours(1);

    public string? Name { get; set; }

    /// <summary>UTC offset of zone-less timestamps (syslog, Exim); null: this computer's zone.</summary>
    public TimeSpan? UtcOffset { get; set; }

    /// <summary>Year of syslog dates; null: inferred from each file's time.</summary>
    public int? Year { get; set; }

    public double? DeferralRateWarnPerMinute { get; set; }

    public double? DeferralRateFailPerMinute { get; set; }

    public double? DeliveryDelayWarnMinutes { get; set; }

    public double? DeliveryDelayFailMinutes { get; set; }

    public string DisplayName => Name ?? (Paths.Count == 0 ? "logs" : string.Join(", ", Paths.Select(System.IO.Path.GetFileName)));

    /// <summary>Reads one entry; a problem is a <see cref="FormatException"/> naming the key.</summary>
    public static LogSourceSpec FromTable(IDictionary<string, object?> table, Func<string, string> anchor)
    {
        if (table is null)
        {
            throw new ArgumentNullException(nameof(table));
        }

        foreach (var key in table.Keys)
        {
            if (!Keys.Contains(key, StringComparer.OrdinalIgnoreCase))
            {
                throw new FormatException($"unknown key '{key}' in an entry of Logs (known keys: {string.Join(", ", Keys)})");
            }
        }

        var spec = new LogSourceSpec();
        switch (Get(table, "Path"))
        {
            case string one:
                spec.Paths.Add(anchor(one));
                break;
            case List<object?> many:
                foreach (var p in many)
                {
                    spec.Paths.Add(anchor(p as string ?? throw new FormatException("Logs: Path must hold file paths")));
                }

                break;
            case null:
                break;
            case var other:
                throw new FormatException($"Logs: Path must be a file path or a list of them, not '{other}'");
        }

        if (spec.Paths.Count == 0)
        {
            throw new FormatException("Logs: each entry needs a Path, such as @{ Path = '/var/log/mail.log' }");
        }

        if (Text(table, "Format") is { } format)
        {
            spec.Format = format.Replace("-", string.Empty).ToLowerInvariant() switch
            {
                "auto" => MailLogFormat.Auto,
                "postfix" => MailLogFormat.Postfix,
                "exim" => MailLogFormat.Exim,
                "exchangetracking" or "exchange" => MailLogFormat.ExchangeTracking,
                _ => throw new FormatException($"Logs: Format must be auto, postfix, exim or exchange-tracking, not '{format}'"),
            };
        }

        switch (Get(table, "Window"))
        {
            case null:
                break;
            case string w when Duration.TryParse(w, out var window) && window >= TimeSpan.FromMinutes(1) && window <= TimeSpan.FromDays(31):
                spec.Window = window;
                break;
            case TimeSpan w when w >= TimeSpan.FromMinutes(1) && w <= TimeSpan.FromDays(31):
                spec.Window = w;
                break;
            case var other:
                throw new FormatException($"Logs: Window must be a duration from 1 minute to 31 days such as '1h' or '30m', not '{other}'");
        }

        spec.Name = Text(table, "Name");
        if (Text(table, "UtcOffset") is { } offset)
        {
            spec.UtcOffset = TimeSpan.TryParse(offset.TrimStart('+'), CultureInfo.InvariantCulture, out var o) && Math.Abs(o.TotalHours) <= 14
                ? o
                : throw new FormatException($"Logs: UtcOffset must be an offset such as '+02:00' or '-05:00', not '{offset}'");
            if (offset.StartsWith("-", StringComparison.Ordinal) && spec.UtcOffset > TimeSpan.Zero)
            {
                spec.UtcOffset = spec.UtcOffset.Value.Negate();
            }
        }

        if (Get(table, "Year") is { } year)
        {
            spec.Year = year is double y && y >= 1970 && y <= 9999 && Math.Floor(y) == y ? (int)y
                : throw new FormatException($"Logs: Year must be a year such as 2026, not '{year}'");
        }

        spec.DeferralRateWarnPerMinute = Number(table, "DeferralRateWarnPerMinute");
        spec.DeferralRateFailPerMinute = Number(table, "DeferralRateFailPerMinute");
        spec.DeliveryDelayWarnMinutes = Number(table, "DeliveryDelayWarnMinutes");
        spec.DeliveryDelayFailMinutes = Number(table, "DeliveryDelayFailMinutes");
        return spec;
    }

    /// <summary>The entry's thresholds, each falling back to the configuration's; Warn above Fail is a FormatException.</summary>
    public (double RateWarn, double RateFail, double DelayWarnMinutes, double DelayFailMinutes) Limits(OutageThresholds t)
    {
        var limits = (DeferralRateWarnPerMinute ?? t.DeferralRateWarnPerMinute, DeferralRateFailPerMinute ?? t.DeferralRateFailPerMinute,
            DeliveryDelayWarnMinutes ?? t.DeliveryDelayWarnMinutes, DeliveryDelayFailMinutes ?? t.DeliveryDelayFailMinutes);
        if (limits.Item1 > limits.Item2 || limits.Item3 > limits.Item4)
        {
            throw new FormatException($"Logs '{DisplayName}': a Warn threshold is beyond its Fail threshold (DeferralRateWarnPerMinute ≤ DeferralRateFailPerMinute, DeliveryDelayWarnMinutes ≤ DeliveryDelayFailMinutes).");
        }

        return limits;
    }

    /// <summary>The files of the entry, oldest first (by last-write time, so mail.log.2.gz comes before mail.log).</summary>
    public IEnumerable<string> Files()
    {
        foreach (var path in Paths)
        {
            var name = System.IO.Path.GetFileName(path);
            if (!Wildcard.ContainsWildcard(name))
            {
                yield return path;
                continue;
            }

            var dir = System.IO.Path.GetDirectoryName(path)!;
            var pattern = new Wildcard(name);
            var files = Directory.Exists(dir)
                ? Directory.EnumerateFiles(dir).Where(f => pattern.IsMatch(System.IO.Path.GetFileName(f)))
                    .OrderBy(File.GetLastWriteTimeUtc).ThenByDescending(f => f, StringComparer.Ordinal).ToList()
                : new List<string>();
            if (files.Count == 0)
            {
                throw new OutageException(ErrorIds.PathNotFound, OutageErrorCategory.ObjectNotFound,
                    $"No file matches the log pattern '{path}'.", path, "Check the Path of the Logs entry in the configuration.");
            }

            foreach (var f in files)
            {
                yield return f;
            }
        }
    }

    private static object? Get(IDictionary<string, object?> table, string key) =>
        table.TryGetValue(key, out var v) ? v : table.FirstOrDefault(p => string.Equals(p.Key, key, StringComparison.OrdinalIgnoreCase)).Value;

    private static string? Text(IDictionary<string, object?> table, string key) => Get(table, key) switch
    {
        null => null,
        string s => s,
        var other => throw new FormatException($"Logs: {key} must be text, not '{other}' ({other.GetType().Name})"),
    };

    private static double? Number(IDictionary<string, object?> table, string key) => Get(table, key) switch
    {
        null => null,
        double d when !double.IsNaN(d) && !double.IsInfinity(d) && d >= 0 => d,
        var other => throw new FormatException($"Logs: {key} must be a finite number of 0 or more, not '{other}'"),
    };
}
