using System;
using Outage.Tools.Core;
using Outage.Tools.Core.Operations;
using Xunit;

namespace Outage.Tools.Core.Tests.Operations;

public sealed class DurationTests
{
    [Theory]
    [InlineData("30s", 30)]
    [InlineData("5m", 300)]
    [InlineData("1h", 3600)]
    [InlineData("2d", 172800)]
    [InlineData("1w", 604800)]
    [InlineData("1.5s", 1.5)]
    [InlineData("500ms", 0.5)]
    [InlineData("00:05:00", 300)]
    [InlineData("1.02:00:00", 93600)]
    [InlineData("2", 2)]
    [InlineData("0.5", 0.5)]
    [InlineData(" 90s ", 90)]
    public void Reads_every_accepted_form(string text, double seconds)
    {
        Assert.True(Duration.TryParse(text, out var value));
        Assert.Equal(TimeSpan.FromSeconds(seconds), value);
    }

    [Theory]
    [InlineData("soon")]
    [InlineData("")]
    [InlineData("5x")]
    [InlineData("m")]
    [InlineData("NaN")]
    public void Refuses_what_is_no_duration(string text) => Assert.False(Duration.TryParse(text, out _));

    [Fact]
    public void A_plain_number_is_seconds_not_days_as_TimeSpan_Parse_would_read_it()
    {
        Assert.True(Duration.TryParse("2", out var value));
        Assert.Equal(TimeSpan.FromSeconds(2), value);
        Assert.Equal(TimeSpan.FromDays(2), TimeSpan.Parse("2", System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void Out_of_range_is_the_given_error_id_with_a_recommended_action()
    {
        var e = Assert.Throws<OutageException>(() =>
            Duration.Require(TimeSpan.Zero, "-Interval", TimeSpan.FromSeconds(1), TimeSpan.FromDays(1), ErrorIds.QueueWatchIntervalInvalid));
        Assert.Equal(ErrorIds.QueueWatchIntervalInvalid, e.Error.ErrorId);
        Assert.Equal(OutageErrorCategory.InvalidArgument, e.Error.Category);
        Assert.Contains("-Interval 0s", e.Error.Message);
        Assert.Contains("1s", e.Error.RecommendedAction);
        Assert.Equal(TimeSpan.FromSeconds(5), Duration.Require(TimeSpan.FromSeconds(5), "-Interval", TimeSpan.FromSeconds(1), TimeSpan.FromDays(1), ErrorIds.QueueWatchIntervalInvalid));
    }

    [Fact]
    public void Text_that_is_no_duration_is_the_given_error_id_too()
    {
        var e = Assert.Throws<OutageException>(() => Duration.Parse("soon", "--interval", TimeSpan.FromSeconds(1), TimeSpan.FromDays(1), ErrorIds.QueueWatchIntervalInvalid));
        Assert.Equal(ErrorIds.QueueWatchIntervalInvalid, e.Error.ErrorId);
        Assert.Equal(TimeSpan.FromMinutes(5), Duration.Parse("5m", "--interval", TimeSpan.FromSeconds(1), TimeSpan.FromDays(1), ErrorIds.QueueWatchIntervalInvalid));
    }

    [Theory]
    [InlineData(0.5, "500ms")]
    [InlineData(30, "30s")]
    [InlineData(5400, "1h30m")]
    [InlineData(172800, "2d")]
    public void Formats_short(double seconds, string text) => Assert.Equal(text, Duration.Format(TimeSpan.FromSeconds(seconds)));
}
