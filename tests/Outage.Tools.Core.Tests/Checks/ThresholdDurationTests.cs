using Outage.Tools.Core.Checks;
using Xunit;

namespace Outage.Tools.Core.Tests.Checks;

public sealed class ThresholdDurationTests
{
    [Fact]
    public void Time_thresholds_take_durations_in_their_unit()
    {
        var t = new OutageThresholds();
        t.Apply(new Dictionary<string, object?>
        {
            ["OldestMessageWarnMinutes"] = "1h",
            ["OldestMessageFailMinutes"] = TimeSpan.FromHours(6),
            ["CheckTimeoutSeconds"] = "2m",
            ["DnsResponseWarnMilliseconds"] = "1.5s",
            ["CertificateWarnDays"] = "2w",
        });
        Assert.Equal(60, t.OldestMessageWarnMinutes);
        Assert.Equal(360, t.OldestMessageFailMinutes);
        Assert.Equal(120, t.CheckTimeoutSeconds);
        Assert.Equal(1500, t.DnsResponseWarnMilliseconds);
        Assert.Equal(14, t.CertificateWarnDays);
    }

    [Fact]
    public void Plain_numbers_keep_the_unit_of_the_name()
    {
        var t = new OutageThresholds();
        t.Apply(new Dictionary<string, object?> { ["OldestMessageWarnMinutes"] = "45", ["CheckTimeoutSeconds"] = 30 });
        Assert.Equal(45, t.OldestMessageWarnMinutes);
        Assert.Equal(30, t.CheckTimeoutSeconds);
    }

    [Fact]
    public void A_count_threshold_refuses_a_duration_and_says_what_it_takes()
    {
        var t = new OutageThresholds();
        var e = Assert.Throws<FormatException>(() => t.Apply(new Dictionary<string, object?> { ["QueueWarn"] = "5m" }));
        Assert.Contains("needs a number", e.Message, StringComparison.Ordinal);
        var d = Assert.Throws<FormatException>(() => t.Apply(new Dictionary<string, object?> { ["CheckTimeoutSeconds"] = "soon" }));
        Assert.Contains("30s, 5m", d.Message, StringComparison.Ordinal);
    }
}
