using Outage.Tools.Core.Checks;
using Outage.Tools.Core.Operations;
using Outage.Tools.Core.Reporting;
using Xunit;

namespace Outage.Tools.Core.Tests.Checks;

public sealed class OutageCheckTests
{
    private sealed class FakeArea : IOutageCheckProvider
    {
        private readonly Func<CancellationToken, IEnumerable<OutageCheckResult>>[] _units;

        public FakeArea(params Func<CancellationToken, IEnumerable<OutageCheckResult>>[] units) => _units = units;

        public CheckArea Area => CheckArea.Dns;

        public IEnumerable<CheckUnit> Plan(OutageCheckConfiguration configuration) =>
            _units.Select((u, i) => new CheckUnit(CheckArea.Dns, "target" + i, "check" + i, u));
    }

    private static OutageCheckConfiguration Config(string? history = null)
    {
        var c = new OutageCheckConfiguration { HistoryPath = history };
        c.Domains.Add("example.test");
        c.Thresholds.CheckTimeoutSeconds = 1;
        return c;
    }

    [Fact]
    public void A_crashing_or_hanging_check_becomes_an_Error_result_and_the_run_goes_on()
    {
        var provider = new FakeArea(
            _ => throw new InvalidOperationException("resolver exploded"),
            ct => { Task.Delay(TimeSpan.FromSeconds(30), ct).Wait(ct); return Array.Empty<OutageCheckResult>(); },
            _ => new[] { new OutageCheckResult(CheckArea.Dns, "example.test", "mx-present", CheckStatus.Pass, "ok") });
        var results = OutageCheckRunner.Run(new OutageCheckRequest(Config(), new[] { provider }), null, CancellationToken.None)
            .Where(o => o.Kind == OutcomeKind.Result).Select(o => o.Value!).ToList();
        Assert.Equal(3, results.Count);
        Assert.Equal(CheckStatus.Error, results[0].Status);
        Assert.Contains("resolver exploded", results[0].Summary, StringComparison.Ordinal);
        Assert.Equal("target0", results[0].Target);
        Assert.Equal(CheckStatus.Error, results[1].Status);
        Assert.Contains("did not finish within 1 s", results[1].Summary, StringComparison.Ordinal);
        Assert.Equal(CheckStatus.Pass, results[2].Status);
    }

    [Fact]
    public void Without_WriteHistory_the_history_is_read_but_nothing_is_created()
    {
        var dir = Path.Combine(Path.GetTempPath(), $"outage-whatif-{Guid.NewGuid():N}");
        var path = Path.Combine(dir, "sub", "history.jsonl");
        var provider = new FakeArea(_ => new[] { new OutageCheckResult(CheckArea.Dns, "example.test", "mx-present", CheckStatus.Fail, "s") });
        var results = OutageCheckRunner.Run(new OutageCheckRequest(Config(path), new[] { provider }) { WriteHistory = false }, null, CancellationToken.None)
            .Where(o => o.Kind == OutcomeKind.Result).ToList();
        Assert.Single(results);
        Assert.False(Directory.Exists(dir));
    }

    [Theory]
    [InlineData("r.html", ReportFormat.Html)]
    [InlineData("R.HTM", ReportFormat.Html)]
    [InlineData("r.md", ReportFormat.Markdown)]
    [InlineData("r.json", ReportFormat.Json)]
    [InlineData("node/outage.prom", ReportFormat.Prometheus)]
    [InlineData("r.txt", null)]
    [InlineData("report", null)]
    public void A_report_file_name_implies_its_format(string path, ReportFormat? expected) =>
        Assert.Equal(expected, ReportFormats.FromExtension(path));

    [Fact]
    public void History_says_since_when_a_status_holds()
    {
        var path = Path.Combine(Path.GetTempPath(), $"outage-history-{Guid.NewGuid():N}.jsonl");
        try
        {
            var status = CheckStatus.Fail;
            var provider = new FakeArea(_ => new[] { new OutageCheckResult(CheckArea.Dns, "example.test", "mx-present", status, "s") });
            OutageCheckResult RunOnce() => OutageCheckRunner.Run(new OutageCheckRequest(Config(path), new[] { provider }), null, CancellationToken.None)
                .Single(o => o.Kind == OutcomeKind.Result).Value!;
            var first = RunOnce();
            Thread.Sleep(20);
            var second = RunOnce();
            Assert.Equal(first.Timestamp, second.Since);
            Assert.True(second.Timestamp > second.Since);
            status = CheckStatus.Pass;
            var third = RunOnce();
            Assert.Equal(third.Timestamp, third.Since);
            Assert.Equal(3, File.ReadAllLines(path).Length);
            File.AppendAllText(path, "not json\n");
            Assert.Equal(3, new OutageHistory(path).Read().Count());
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Nothing_to_check_is_an_unusable_request()
    {
        var ex = Assert.Throws<OutageException>(() => OutageCheckRunner.Run(new OutageCheckRequest(new OutageCheckConfiguration(), Array.Empty<IOutageCheckProvider>()), null, CancellationToken.None));
        Assert.Equal(ErrorIds.CheckNothingToDo, ex.Error.ErrorId);
    }

    [Fact]
    public void Configuration_loads_from_psd1_and_json_with_relative_paths_and_thresholds()
    {
        var dir = Directory.CreateTempSubdirectory("outage-config-").FullName;
        try
        {
            var psd1 = Path.Combine(dir, "c.psd1");
            File.WriteAllText(psd1, """
                @{
                    # comment
                    Domains      = @('example.test', 'contoso.test')
                    DnsServers   = '127.0.0.1:5300'
                    MessagePaths = @('messages')
                    Queues       = @(@{ Kind = 'postqueue-json'; Path = 'queue/*.jsonl'; Name = 'mx1' })
                    Thresholds   = @{ QueueWarn = 50; CertificateWarnDays = 14 }
                    HistoryPath  = 'history.jsonl'
                }
                """);
            var c = OutageCheckConfiguration.Load(psd1);
            Assert.Equal(new[] { "example.test", "contoso.test" }, c.Domains);
            Assert.Equal(new[] { "127.0.0.1:5300" }, c.DnsServers);
            Assert.Equal(Path.Combine(dir, "messages"), c.MessagePaths.Single());
            Assert.Equal(Path.Combine(dir, "queue/*.jsonl"), c.Queues.Single().Path);
            Assert.Equal("mx1", c.Queues.Single().DisplayName);
            Assert.Equal(50, c.Thresholds.QueueWarn);
            Assert.Equal(2000, c.Thresholds.QueueFail);
            Assert.Equal(14, c.Thresholds.CertificateWarnDays);
            Assert.Equal(Path.Combine(dir, "history.jsonl"), c.HistoryPath);

            var json = Path.Combine(dir, "c.json");
            File.WriteAllText(json, """{"Domains":["example.test"],"SmtpHosts":["127.0.0.1:2525"],"Thresholds":{"QueueFail":10,"QueueWarn":5}}""");
            var j = OutageCheckConfiguration.Load(json);
            Assert.Equal("127.0.0.1:2525", j.SmtpHosts.Single());
            Assert.Equal(10, j.Thresholds.QueueFail);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Theory]
    [InlineData("@{ Domain = 'x' }", "unknown key 'Domain'")]
    [InlineData("@{ Thresholds = @{ QueueWarn = 'many' } }", "needs a number")]
    [InlineData("@{ Thresholds = @{ QueueWarn = 5000 } }", "beyond its Fail threshold")]
    [InlineData("@{ Domains = @('x'", "psd1 line")]
    [InlineData("@{ Domains = Get-Content x }", "not allowed in a data file")]
    public void A_bad_configuration_file_is_one_clear_error_naming_the_file(string text, string reason)
    {
        var path = Path.Combine(Path.GetTempPath(), $"outage-bad-{Guid.NewGuid():N}.psd1");
        File.WriteAllText(path, text);
        try
        {
            var ex = Assert.Throws<OutageException>(() => OutageCheckConfiguration.Load(path));
            Assert.Equal(ErrorIds.CheckConfigurationInvalid, ex.Error.ErrorId);
            Assert.Contains(path, ex.Message, StringComparison.Ordinal);
            Assert.Contains(reason, ex.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void A_missing_configuration_file_says_so()
    {
        var ex = Assert.Throws<OutageException>(() => OutageCheckConfiguration.Load("/nonexistent/outage.psd1"));
        Assert.Equal(ErrorIds.CheckConfigurationNotFound, ex.Error.ErrorId);
        Assert.Equal(OutageErrorCategory.ObjectNotFound, ex.Error.Category);
    }
}

public sealed class TrendTests
{
    [Fact]
    public void Trend_points_survive_the_history_and_feed_the_backlog()
    {
        var t = new DateTimeOffset(2026, 11, 20, 23, 0, 0, TimeSpan.Zero);
        var r = new OutageCheckResult(CheckArea.Queue, "mx1", "queue-size", CheckStatus.Warn, "201 messages", timestamp: t.AddMinutes(20),
            computerName: "mx1", value: 201, unit: "messages").WithTrend(new[] { new TrendPoint(t, 67), new TrendPoint(t.AddMinutes(10), 134) });
        var back = OutageHistory.TryParse(OutageHistory.ToJson(r))!;
        Assert.Equal(new[] { 67.0, 134.0 }, back.Trend.Select(p => p.Value));
        Assert.Equal(t.AddMinutes(10), back.Trend[1].Time);
        var report = new Outage.Tools.Core.Reporting.OutageReport(new[] { back });
        Assert.Equal(new[] { 67.0, 134.0, 201.0 }, report.Backlog["mx1 mx1"].Select(p => p.Count));
    }
}
