using System;
using System.Collections.Generic;
using System.Globalization;
using Outage.Tools.Core.Operations;

namespace Outage.Tools.Core.Checks;

/// <summary>
/// The limits that turn measurements into Warn/Fail. Defaults follow what admins already know: queue size warns
/// at 200 and fails at 2000 messages like Exchange Online's queue report and alert; certificates warn 30 days
/// and fail 7 days before expiry; any poison message fails. Every value can be overridden in the configuration
/// (<c>Thresholds = @{ QueueWarn = 500 }</c>) or by parameters.
/// </summary>
public sealed class OutageThresholds
{
    /// <summary>Queued messages at or above which a queue is Warn.</summary>
    public int QueueWarn { get; set; } = 200;

    /// <summary>Queued messages at or above which a queue is Fail.</summary>
    public int QueueFail { get; set; } = 2000;

    /// <summary>Age of the oldest queued message, in minutes, at which the queue is Warn.</summary>
    public double OldestMessageWarnMinutes { get; set; } = 30;

    /// <summary>Age of the oldest queued message, in minutes, at which the queue is Fail.</summary>
    public double OldestMessageFailMinutes { get; set; } = 240;

    /// <summary>Backlog growth, in messages per minute, at which the queue is Warn (Fail at ten times this).</summary>
    public double GrowthWarnPerMinute { get; set; } = 1;

    /// <summary>Malformed (poison) messages at or above which a message folder or queue is Fail.</summary>
    public int PoisonFail { get; set; } = 1;

    /// <summary>Days before certificate expiry that are Warn.</summary>
    public int CertificateWarnDays { get; set; } = 30;

    /// <summary>Days before certificate expiry that are Fail.</summary>
    public int CertificateFailDays { get; set; } = 7;

    /// <summary>DNS response time, in milliseconds, that is Warn.</summary>
    public double DnsResponseWarnMilliseconds { get; set; } = 500;

    /// <summary>HTTP/SMTP response time (total), in milliseconds, that is Warn.</summary>
    public double EndpointResponseWarnMilliseconds { get; set; } = 3000;

    /// <summary>Deferrals per minute in a mail log's last window (Logs entries) at which deferral-rate is Warn.</summary>
    public double DeferralRateWarnPerMinute { get; set; } = 1;

    /// <summary>Deferrals per minute at which deferral-rate is Fail.</summary>
    public double DeferralRateFailPerMinute { get; set; } = 10;

    /// <summary>95th-percentile delivery delay, in minutes, over a mail log's last window at which delivery-delay is Warn.</summary>
    public double DeliveryDelayWarnMinutes { get; set; } = 10;

    /// <summary>95th-percentile delivery delay, in minutes, at which delivery-delay is Fail.</summary>
    public double DeliveryDelayFailMinutes { get; set; } = 60;

    /// <summary>Time limit of one check, in seconds; a check that runs longer becomes an Error result.</summary>
    public double CheckTimeoutSeconds { get; set; } = 60;

    /// <summary>Applies overrides from a configuration table (keys are the property names, case-insensitive).</summary>
    public void Apply(IDictionary<string, object?> overrides)
    {
        if (overrides is null)
        {
            return;
        }

        foreach (var pair in overrides)
        {
            var property = typeof(OutageThresholds).GetProperty(pair.Key,
                System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.IgnoreCase);
            if (property is null)
            {
                throw new FormatException($"Unknown threshold '{pair.Key}'. Known thresholds: {string.Join(", ", Names())}.");
            }

            // A number, text that is one, or a duration (TimeSpan) for a time threshold; true/false, tables and lists are the wrong type, not 1 or 0.
            if (pair.Value is null or bool or string { Length: 0 } || pair.Value is not (IConvertible and not DateTime or TimeSpan))
            {
                throw new FormatException($"Threshold '{pair.Key}' needs a number, not '{pair.Value ?? "null"}' ({pair.Value?.GetType().Name ?? "null"}).");
            }

            var unit = UnitSeconds(property.Name);
            try
            {
                // A time threshold (…Minutes, …Seconds, …Days, …Milliseconds) also takes a duration: 30m, 2h, 00:30:00.
                var value = unit > 0 && pair.Value is TimeSpan span ? span.TotalSeconds / unit
                    : unit > 0 && pair.Value is string text && !double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out _) && Duration.TryParse(text, out var parsed) ? parsed.TotalSeconds / unit
                    : pair.Value;
                property.SetValue(this, Convert.ChangeType(value, property.PropertyType, CultureInfo.InvariantCulture));
            }
            catch (Exception ex) when (ex is InvalidCastException or FormatException or OverflowException)
            {
                throw new FormatException(unit > 0
                    ? $"Threshold '{pair.Key}' needs a number ({UnitName(property.Name)}) or a duration ({Duration.Forms}), not '{pair.Value}'."
                    : $"Threshold '{pair.Key}' needs a number, not '{pair.Value}'.", ex);
            }
        }

        Validate();
    }

    /// <summary>Longest CheckTimeoutSeconds: one day.</summary>
    public const double MaxCheckTimeoutSeconds = 86400;

    /// <summary>
    /// Every threshold a finite number of 0 or more (NaN would make every comparison false: "Warn at NaN min"
    /// and all checks Pass), CheckTimeoutSeconds above 0 and at most a day, each Warn threshold on its side of
    /// its Fail threshold. Throws FormatException naming the threshold.
    /// </summary>
    public void Validate()
    {
        foreach (var p in typeof(OutageThresholds).GetProperties())
        {
            var v = Convert.ToDouble(p.GetValue(this), CultureInfo.InvariantCulture);
            if (double.IsNaN(v) || double.IsInfinity(v) || v < 0)
            {
                throw new FormatException($"Threshold '{p.Name}' must be a finite number of 0 or more, not {v.ToString(CultureInfo.InvariantCulture)}.");
            }
        }

        if (!(CheckTimeoutSeconds > 0 && CheckTimeoutSeconds <= MaxCheckTimeoutSeconds))
        {
            throw new FormatException($"Threshold 'CheckTimeoutSeconds' must be above 0 and at most {MaxCheckTimeoutSeconds} (one day), not {CheckTimeoutSeconds.ToString(CultureInfo.InvariantCulture)}.");
        }

        if (QueueWarn > QueueFail || CertificateFailDays > CertificateWarnDays || OldestMessageWarnMinutes > OldestMessageFailMinutes
            || DeferralRateWarnPerMinute > DeferralRateFailPerMinute || DeliveryDelayWarnMinutes > DeliveryDelayFailMinutes)
        {
            throw new FormatException("A Warn threshold is beyond its Fail threshold (QueueWarn ≤ QueueFail, CertificateFailDays ≤ CertificateWarnDays, OldestMessageWarnMinutes ≤ OldestMessageFailMinutes, DeferralRateWarnPerMinute ≤ DeferralRateFailPerMinute, DeliveryDelayWarnMinutes ≤ DeliveryDelayFailMinutes).");
        }
    }

    private static double UnitSeconds(string name) =>
        name.EndsWith("Milliseconds", StringComparison.Ordinal) ? 0.001
        : name.EndsWith("Seconds", StringComparison.Ordinal) ? 1
        : name.EndsWith("Minutes", StringComparison.Ordinal) ? 60
        : name.EndsWith("Days", StringComparison.Ordinal) ? 86400
        : 0;

    private static string UnitName(string name) =>
        name.EndsWith("Milliseconds", StringComparison.Ordinal) ? "milliseconds"
        : name.EndsWith("Seconds", StringComparison.Ordinal) ? "seconds"
        : name.EndsWith("Minutes", StringComparison.Ordinal) ? "minutes"
        : "days";

    public static IEnumerable<string> Names()
    {
        foreach (var p in typeof(OutageThresholds).GetProperties())
        {
            yield return p.Name;
        }
    }

    /// <summary>Status of a value against warn/fail limits where higher is worse.</summary>
    public static CheckStatus Grade(double value, double warn, double fail) =>
        value >= fail ? CheckStatus.Fail : value >= warn ? CheckStatus.Warn : CheckStatus.Pass;
}
