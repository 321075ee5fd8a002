using System.Globalization;
using System.Text;
using Outage.Tools.Core.Checks;
using Outage.Tools.Core.Checks.Providers;
using Outage.Tools.Core.Logs;
using Outage.Tools.Core.Operations;
using Outage.Tools.Core.Reporting;
using Outage.Tools.Core.Tests.Logs;
using Xunit;

namespace Outage.Tools.Core.Tests.Checks;

/// <summary>
/// The outage check's Logs entry: deferral-rate and delivery-delay over the logs' last window, on Postfix lines in
/// the shapes Postfix writes (log_adhoc.c) and on the log of a real private Postfix; configuration errors; the report.
/// </summary>
public sealed class LogCheckTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("outage-logcheck-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    private static readonly DateTimeOffset Now = new(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);

    private const string Timeout = "connect to 192.0.2.9[192.0.2.9]:25: Connection timed out";
    private const string Refused = "connect to 192.0.2.7[192.0.2.7]:25: Connection refused";

    /// <summary>
    /// 05:00-06:00 a few timeouts to fabrikam.test; from 06:00 the relay for contoso.test refuses: 12 deferrals a
    /// minute until 07:59. Meanwhile mail to sink.test is received every minute and delivered after
    /// <paramref name="delayMinutes"/> minutes.
    /// </summary>
    private static string Story(int delayMinutes, int refusedPerMinute = 12)
    {
        var lines = new List<(DateTime Time, string Text)>();
        var t0 = new DateTime(2026, 11, 30, 5, 0, 0);
        string Stamp(DateTime t) => t.ToString("MMM dd HH:mm:ss", CultureInfo.InvariantCulture);
        for (var i = 0; i < 30; i++)
        {
            lines.Add((t0.AddMinutes(i * 2), $"mx postfix/smtp[20]: A{i:X7}: to=<u{i}@fabrikam.test>, relay=none, delay=5, delays=0/0/5/0, dsn=4.4.1, status=deferred ({Timeout})"));
        }

        for (var m = 60; m < 180; m++)
        {
            for (var k = 0; k < refusedPerMinute; k++)
            {
                lines.Add((t0.AddMinutes(m).AddSeconds(k * 4), $"mx postfix/smtp[21]: B{m:X3}{k:X4}: to=<user{k}@contoso.test>, relay=none, delay=30, delays=30/0/0/0, dsn=4.4.1, status=deferred ({Refused})"));
            }
        }

        for (var m = 0; m < 170; m++)
        {
            var id = $"C{m:X9}";
            var received = t0.AddMinutes(m).AddSeconds(30);
            lines.Add((received, $"mx postfix/smtpd[30]: {id}: client=client.example.test[192.0.2.50]"));
            lines.Add((received, $"mx postfix/cleanup[31]: {id}: message-id=<story-{m}@example.test>"));
            lines.Add((received.AddMinutes(delayMinutes), $"mx postfix/smtp[32]: {id}: to=<r{m}@sink.test>, relay=sink.test[192.0.2.60]:25, delay={delayMinutes * 60}, delays=0/0/0/0, dsn=2.0.0, status=sent (250 2.0.0 Ok)"));
            lines.Add((received.AddMinutes(delayMinutes), $"mx postfix/qmgr[33]: {id}: removed"));
        }

        var sb = new StringBuilder();
        foreach (var (time, text) in lines.OrderBy(l => l.Time))
        {
            sb.Append(Stamp(time)).Append(' ').Append(text).Append('\n');
        }

        return sb.ToString();
    }

    private static List<OutageCheckResult> Evaluate(string log, LogSourceSpec? spec = null, OutageThresholds? thresholds = null)
    {
        spec ??= new LogSourceSpec { Name = "mx1" };
        var request = new MailLogRequest { UtcOffset = TimeSpan.Zero, Year = 2026 };
        request.Inputs.Add(MailLogInput.FromContent("mail.log", log));
        return LogCheckProvider.Evaluate(MailLog.Read(request), spec, thresholds ?? new OutageThresholds(), Now).ToList();
    }

    [Fact]
    public void A_refusing_relay_fails_the_deferral_rate_with_its_reason_and_since_when_it_dominates()
    {
        var results = Evaluate(Story(delayMinutes: 1));
        var rate = results.Single(r => r.Check == LogCheckProvider.DeferralRate);
        Assert.Equal(CheckArea.Log, rate.Area);
        Assert.Equal("mx1", rate.Target);
        Assert.Equal(CheckStatus.Fail, rate.Status); // 12/min ≥ 10/min
        Assert.Equal(12, rate.Value!.Value, 1);
        Assert.Equal("deferrals/min", rate.Unit);
        // The window ends at the log's last event (the deferral at 07:59:44); its top reason has led every hour since 06:00.
        Assert.Contains("top reason since 2026-11-30 06:00:00 +00:00: " + Refused, rate.Summary, StringComparison.Ordinal);
        Assert.Contains("destination: 721 deferrals to contoso.test", rate.Evidence);
        Assert.Contains($"reason: 721 × {Refused} (in the window from 2026-11-30 06:59:44 +00:00)", rate.Evidence);
        Assert.Contains(rate.Evidence, e => e == "hour 2026-11-30 05:00: 30 deferrals, top " + Timeout);
        Assert.Contains(rate.Evidence, e => e == "hour 2026-11-30 07:00: 720 deferrals, top " + Refused);
        // Since: the first hour whose rate reached Warn (1/min), not the stray timeouts of 05:00 (0.5/min).
        Assert.Equal(new DateTimeOffset(2026, 11, 30, 6, 0, 0, TimeSpan.Zero), rate.Since);
        // Trend: deferrals per hour, for the report.
        Assert.Equal(new double[] { 30, 720, 720 }, rate.Trend.Select(p => p.Value));
        // Hours without a deferral are drawn as 0 up to the logs' last event (08:09:30 here, the last delivery).
        var late = Evaluate(Story(delayMinutes: 20)).Single(r => r.Check == LogCheckProvider.DeferralRate);
        Assert.Equal(new double[] { 30, 720, 720, 0 }, late.Trend.Select(p => p.Value));
        Assert.Equal(new DateTimeOffset(2026, 11, 30, 5, 0, 0, TimeSpan.Zero), rate.Trend[0].Time);
    }

    [Fact]
    public void A_reason_wrapped_in_delivery_temporarily_suspended_counts_as_the_reason_itself()
    {
        // qmgr marks the destination dead after the first refusals; the next messages are deferred with
        // "delivery temporarily suspended: <the same reason>" (qmgr(8)). One cause, one reason.
        // The messages B090…-B09F… (07:24-07:39, inside the last hour) carry the wrapper.
        var log = System.Text.RegularExpressions.Regex.Replace(Story(delayMinutes: 1),
            @"(B09[0-9A-F]{5}: .*status=deferred \()", "$1delivery temporarily suspended: ");
        Assert.Contains("delivery temporarily suspended", log, StringComparison.Ordinal);
        var rate = Evaluate(log).Single(r => r.Check == LogCheckProvider.DeferralRate);
        Assert.Contains($"reason: 721 × {Refused} (in the window from 2026-11-30 06:59:44 +00:00)", rate.Evidence);
        Assert.DoesNotContain(rate.Evidence, e => e.Contains("suspended", StringComparison.Ordinal));
    }

    [Fact]
    public void Per_entry_thresholds_override_the_configuration_ones()
    {
        var spec = new LogSourceSpec { Name = "mx1", DeferralRateWarnPerMinute = 20, DeferralRateFailPerMinute = 50 };
        var rate = Evaluate(Story(delayMinutes: 1), spec).Single(r => r.Check == LogCheckProvider.DeferralRate);
        Assert.Equal(CheckStatus.Pass, rate.Status);
        Assert.Equal(rate.Timestamp, rate.Since);
        var low = Evaluate(Story(delayMinutes: 1, refusedPerMinute: 3)).Single(r => r.Check == LogCheckProvider.DeferralRate);
        Assert.Equal(CheckStatus.Warn, low.Status);
    }

    [Fact]
    public void Delivery_delay_is_the_p95_of_the_messages_delivered_in_the_window()
    {
        var fast = Evaluate(Story(delayMinutes: 2)).Single(r => r.Check == LogCheckProvider.DeliveryDelay);
        Assert.Equal(CheckStatus.Pass, fast.Status);
        Assert.Equal(2, fast.Value);
        Assert.Equal("minutes", fast.Unit);
        Assert.StartsWith("p95 delivery delay 2m00s over 52 messages delivered", fast.Summary, StringComparison.Ordinal);

        var slow = Evaluate(Story(delayMinutes: 75)).Single(r => r.Check == LogCheckProvider.DeliveryDelay);
        Assert.Equal(CheckStatus.Fail, slow.Status); // ≥ 60 min
        Assert.Equal(75, slow.Value);
        Assert.Contains(slow.Evidence, e => e.StartsWith("destination: sink.test p95 1h15m", StringComparison.Ordinal));
        Assert.Contains(slow.Evidence, e => e.StartsWith("slowest: <story-", StringComparison.Ordinal));

        var warn = Evaluate(Story(delayMinutes: 15)).Single(r => r.Check == LogCheckProvider.DeliveryDelay);
        Assert.Equal(CheckStatus.Warn, warn.Status);
    }

    [Fact]
    public void Mail_received_and_not_delivered_counts_at_its_age_so_far()
    {
        var log = new StringBuilder();
        for (var i = 0; i < 10; i++)
        {
            log.Append(CultureInfo.InvariantCulture, $"Nov 30 09:{i * 6:00}:00 mx postfix/smtpd[30]: D{i:X9}: client=c[192.0.2.50]\n");
            log.Append(CultureInfo.InvariantCulture, $"Nov 30 09:{i * 6:00}:01 mx postfix/smtp[32]: D{i:X9}: to=<x@dead.test>, relay=none, delay=1, delays=0/0/1/0, dsn=4.4.1, status=deferred ({Refused})\n");
        }

        // Ages at the log's end (09:54:01): 54m01s, 48m01s, ... 1s; p95 = rank 10 of 10.
        var delay = Evaluate(log.ToString()).Single(r => r.Check == LogCheckProvider.DeliveryDelay);
        Assert.Equal(CheckStatus.Warn, delay.Status);
        Assert.Equal(54.02, delay.Value);
        Assert.StartsWith("p95 delivery delay 54m01s over 0 messages delivered in the last 54 min to 2026-11-30 09:54:01 +00:00 and 10 not delivered (at their age so far)", delay.Summary, StringComparison.Ordinal);
        Assert.Contains("undelivered: 10 messages received in the window have no delivery by 2026-11-30 09:54:01 +00:00 (10 deferred)", delay.Evidence);
    }

    [Fact]
    public void A_missing_log_is_an_error_result_and_an_empty_one_passes()
    {
        var spec = new LogSourceSpec { Name = "gone" };
        spec.Paths.Add(Path.Combine(_dir, "no-such.log"));
        var request = new MailLogRequest();
        request.Inputs.Add(MailLogInput.FromPath(spec.Paths[0]));
        var error = Assert.Single(LogCheckProvider.Evaluate(MailLog.Read(request), spec, new OutageThresholds(), Now));
        Assert.Equal(CheckStatus.Error, error.Status);
        Assert.Contains("PathNotFound", error.Summary, StringComparison.Ordinal);

        var empty = Assert.Single(Evaluate(string.Empty));
        Assert.Equal(CheckStatus.Pass, empty.Status);
    }

    [Fact]
    public void The_configuration_reads_a_Logs_entry_and_names_every_mistake()
    {
        File.WriteAllText(Path.Combine(_dir, "mail.log"), Story(1));
        var path = Path.Combine(_dir, "outage.psd1");
        File.WriteAllText(path, "@{ Logs = @(@{ Name = 'mx1'; Path = 'mail.log*'; Format = 'postfix'; Window = '30m'; UtcOffset = '+01:00'; Year = 2026; DeliveryDelayFailMinutes = 45 }); Thresholds = @{ DeferralRateWarnPerMinute = 2 } }");
        var config = OutageCheckConfiguration.Load(path);
        var spec = Assert.Single(config.Logs);
        Assert.Equal(Path.Combine(_dir, "mail.log*"), spec.Paths[0]);
        Assert.Equal(MailLogFormat.Postfix, spec.Format);
        Assert.Equal(TimeSpan.FromMinutes(30), spec.Window);
        Assert.Equal(TimeSpan.FromHours(1), spec.UtcOffset);
        Assert.Equal(2026, spec.Year);
        Assert.Equal((2, 10, 10, 45), spec.Limits(config.Thresholds));
        Assert.Equal(new[] { Path.Combine(_dir, "mail.log") }, spec.Files());
        Assert.False(config.IsEmpty);

        File.WriteAllText(Path.Combine(_dir, "outage.json"), """{ "Logs": [ { "Path": ["mail.log"], "Window": "2h" } ] }""");
        Assert.Equal(TimeSpan.FromHours(2), Assert.Single(OutageCheckConfiguration.Load(Path.Combine(_dir, "outage.json")).Logs).Window);

        foreach (var (entry, expected) in new[]
                 {
                     ("@{ Pth = 'mail.log' }", "unknown key 'Pth' in an entry of Logs"),
                     ("@{ Name = 'x' }", "each entry needs a Path"),
                     ("@{ Path = 'mail.log'; Window = 60 }", "Window must be a duration"),
                     ("@{ Path = 'mail.log'; Window = '10s' }", "Window must be a duration"),
                     ("@{ Path = 'mail.log'; Format = 'sendmail' }", "Format must be auto, postfix, exim or exchange-tracking"),
                     ("@{ Path = 'mail.log'; DeferralRateWarnPerMinute = 'NaN' }", "DeferralRateWarnPerMinute must be a finite number"),
                     ("@{ Path = 'mail.log'; DeferralRateWarnPerMinute = 50 }", "a Warn threshold is beyond its Fail threshold"),
                     ("@{ Path = 'mail.log'; UtcOffset = 'CET' }", "UtcOffset must be an offset"),
                     ("'mail.log'", "each entry of Logs must be a table"),
                 })
        {
            File.WriteAllText(path, $"@{{ Logs = @({entry}) }}");
            var ex = Assert.Throws<OutageException>(() => OutageCheckConfiguration.Load(path));
            Assert.Equal(ErrorIds.CheckConfigurationInvalid, ex.Error.ErrorId);
            Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void The_report_draws_deferrals_per_hour_beside_the_backlog_escaped()
    {
        var results = Evaluate(Story(delayMinutes: 1), new LogSourceSpec { Name = "mx1 <script>alert(1)</script>" });
        var html = ReportWriter.Render(new OutageReport(results, Now), ReportFormat.Html);
        Assert.Contains("<h2>Deferrals per hour</h2>", html, StringComparison.Ordinal);
        Assert.Contains("aria-label=\"Deferrals per hour\"", html, StringComparison.Ordinal);
        Assert.Contains(" mx1 &lt;script&gt;alert(1)&lt;/script&gt; 2026-11-30 07:00: 720 deferrals</title>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>", html, StringComparison.Ordinal);
        Assert.Contains("id=\"tile-log\"", html, StringComparison.Ordinal);
        // The two charts sit side by side in one row.
        Assert.True(html.IndexOf("<h2>Queue backlog</h2>", StringComparison.Ordinal) < html.IndexOf("<h2>Deferrals per hour</h2>", StringComparison.Ordinal));
        Assert.Contains("class=\"charts\"", html, StringComparison.Ordinal);
    }
}

/// <summary>The Logs entry on the log of a real private Postfix (delivering to a sink, deferring at a dead relay).</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class LogCheckPostfixTests : IClassFixture<PostfixLogFixture>
{
    private readonly PostfixLogFixture _log;

    public LogCheckPostfixTests(PostfixLogFixture log) => _log = log;

    [Fact]
    public void The_dead_relay_shows_as_deferrals_with_their_reason_and_the_sink_as_quick_deliveries()
    {
        var dir = Path.GetDirectoryName(_log.LogPath)!;
        var config = OutageCheckConfiguration.FromTable(new Dictionary<string, object?>
        {
            ["Logs"] = new List<object?> { new Dictionary<string, object?> { ["Name"] = "private postfix", ["Path"] = Path.GetFileName(_log.LogPath), ["Window"] = "1h" } },
        }, dir);
        var unit = Assert.Single(new LogCheckProvider().Plan(config));
        var results = unit.Run(CancellationToken.None).ToList();
        var rate = results.Single(r => r.Check == LogCheckProvider.DeferralRate);
        // 3 messages to dead.test and 2 bounce notices defer at the dead relay within a few seconds: ≥ 1/min, < 10/min.
        Assert.Equal(CheckStatus.Warn, rate.Status);
        Assert.Equal(5, rate.Value);
        Assert.True(System.Text.RegularExpressions.Regex.IsMatch(rate.Summary, @"top reason since .*: (delivery temporarily suspended: )?connect to 127\.0\.0\.1\[127\.0\.0\.1\]:\d+: Connection refused \([3-5]\)$"), rate.Summary);
        // Once the relay is marked dead, Postfix defers the rest with "delivery temporarily suspended: <the first reason>".
        Assert.Equal(5, rate.Evidence.Where(e => e.StartsWith("reason: ", StringComparison.Ordinal)).Sum(e => int.Parse(e.Split(' ')[1], CultureInfo.InvariantCulture)));
        Assert.Contains(rate.Evidence, e => e == "destination: 3 deferrals to dead.test");
        Assert.Equal(5, rate.Trend.Sum(p => p.Value));
        var delay = results.Single(r => r.Check == LogCheckProvider.DeliveryDelay);
        Assert.Equal(CheckStatus.Pass, delay.Status);
        Assert.Contains($"over {PostfixLogFixture.Delivered} messages delivered", delay.Summary, StringComparison.Ordinal);
        Assert.Contains("and 7 not delivered (at their age so far)", delay.Summary, StringComparison.Ordinal);
        Assert.Contains(delay.Evidence, e => e.StartsWith("destination: sink.test p95 ", StringComparison.Ordinal));
    }
}
