using System.Text;
using Outage.Tools.Core.Checks;
using Outage.Tools.Core.Operations;
using Outage.Tools.Core.Reporting;
using Xunit;

namespace Outage.Tools.Core.Tests.Checks;

/// <summary>Result files and history written by older versions, other tools, hand edits and crashes (issue 14).</summary>
public sealed class HostileResultInputTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("outage-hostile-results-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    private const string Minimal =
        "{\"area\":\"Queue\",\"target\":\"active\",\"check\":\"queue-size\",\"status\":\"Warn\",\"summary\":\"300 messages\",\"detail\":null,\"timestamp\":\"2026-01-01T00:00:00Z\",\"duration\":\"00:00:01\"}";

    [Fact]
    public void A_result_without_since_key_or_computerName_takes_defaults_and_renders_in_every_format()
    {
        var result = OutageHistory.TryParse(Minimal, out var problem);
        Assert.NotNull(result);
        Assert.Null(problem);
        Assert.Equal(result!.Timestamp, result.Since);
        Assert.Equal(Environment.MachineName, result.ComputerName);
        var report = new OutageReport(new[] { result });
        Assert.Empty(report.Backlog);
        foreach (var format in Enum.GetValues<ReportFormat>())
        {
            Assert.Contains("active", ReportWriter.Render(report, format), StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("{\"area\":\"Queue\",\"check\":\"queue-size\",\"status\":\"Pass\",\"duration\":1e300}", "'duration'")]
    [InlineData("{\"area\":\"Queue\",\"check\":\"queue-size\",\"status\":\"Pass\",\"duration\":-5}", "'duration'")]
    [InlineData("{\"area\":\"Queue\",\"check\":\"queue-size\",\"status\":\"7\"}", "'status' (7)")]
    [InlineData("{\"area\":\"Queue\",\"check\":\"queue-size\",\"status\":\"-1\"}", "'status' (-1)")]
    [InlineData("{\"area\":\"Queue\",\"check\":\"queue-size\",\"status\":7}", "'status' (7)")]
    [InlineData("{\"area\":\"Queue\",\"check\":\"queue-size\"}", "'status' is missing")]
    [InlineData("{\"area\":\"Mail\",\"check\":\"queue-size\",\"status\":\"Pass\"}", "'area' (Mail)")]
    [InlineData("{\"area\":\"Queue\",\"status\":\"Pass\"}", "'check' is missing")]
    [InlineData("[1,2]", "not a JSON object")]
    public void A_bad_line_is_refused_naming_the_field(string line, string expected)
    {
        Assert.Null(OutageHistory.TryParse(line, out var problem));
        Assert.Contains(expected, problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_history_line_with_an_overflowing_duration_is_skipped_counted_and_the_rest_read()
    {
        var path = Path.Combine(_dir, "history.jsonl");
        File.WriteAllText(path, Minimal + "\n" + Minimal.Replace("\"00:00:01\"", "1e300", StringComparison.Ordinal) + "\n" + Minimal + "\n");
        var history = new OutageHistory(path);
        Assert.Equal(2, history.Read().Count());
        Assert.Equal(1, history.SkippedLines);
        Assert.StartsWith("line 2: the field 'duration'", history.FirstSkipped, StringComparison.Ordinal);
    }

    [Fact]
    public void A_check_run_with_a_bad_history_line_runs_and_warns_naming_the_line()
    {
        var path = Path.Combine(_dir, "history.jsonl");
        File.WriteAllText(path, "{\"area\":\"Dns\",\"target\":\"t\",\"check\":\"c\",\"status\":\"Pass\",\"duration\":1e300}\n");
        var config = new OutageCheckConfiguration { HistoryPath = path };
        config.Domains.Add("example.test");
        var provider = new OneCheck();
        var outcomes = OutageCheckRunner.Run(new OutageCheckRequest(config, new[] { provider }), null, CancellationToken.None).ToList();
        Assert.Single(outcomes, o => o.Kind == OutcomeKind.Result);
        var warning = Assert.Single(outcomes, o => o.Kind == OutcomeKind.Warning);
        Assert.Contains("line 1: the field 'duration'", warning.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void A_history_with_a_huge_NUL_tail_is_read_in_bounded_memory()
    {
        var path = Path.Combine(_dir, "history.jsonl");
        File.WriteAllText(path, Minimal + "\n");
        using (var f = new FileStream(path, FileMode.Append))
        {
            var zeros = new byte[1 << 20];
            for (var i = 0; i < 64; i++)
            {
                f.Write(zeros);
            }
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        var history = new OutageHistory(path);
        Assert.Single(history.Read());
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        // 64 MiB of NUL would be a 128 MB string with ReadLine; the capped reader keeps at most 1 Mi chars of it.
        Assert.True(allocated < 40L << 20, $"allocated {allocated} bytes");
        Assert.Equal(1, history.SkippedLines);
        Assert.Contains("longer than", history.FirstSkipped, StringComparison.Ordinal);
    }

    [Fact]
    public void The_bounded_line_reader_caps_lines_and_what_a_non_seekable_source_gives()
    {
        var reader = new BoundedLineReader(new StringReader("ab\r\ncdefgh\rij\n\nk"), maxLineLength: 4);
        Assert.Equal("ab", reader.ReadLine());
        Assert.Equal(string.Empty, reader.ReadLine());
        Assert.True(reader.LastLineTooLong);
        Assert.Equal("ij", reader.ReadLine());
        Assert.False(reader.LastLineTooLong);
        Assert.Equal(string.Empty, reader.ReadLine());
        Assert.False(reader.LastLineTooLong);
        Assert.Equal("k", reader.ReadLine());
        Assert.Equal(5, reader.LineNumber);
        Assert.Null(reader.ReadLine());

        // /dev/zero seeks on Linux but has length 0: it is read at most the growth allowance.
        using var zero = new FileStream("/dev/zero", FileMode.Open, FileAccess.Read);
        var capped = BoundedLineReader.For(zero, 1024);
        var lines = 0;
        while (capped.ReadLine() is not null)
        {
            lines++;
        }

        Assert.Equal(1, lines);
        Assert.True(capped.LimitReached);
    }

    private sealed class OneCheck : IOutageCheckProvider
    {
        public CheckArea Area => CheckArea.Dns;

        public IEnumerable<CheckUnit> Plan(OutageCheckConfiguration configuration) =>
            new[] { new CheckUnit(CheckArea.Dns, "t", "c", _ => new[] { new OutageCheckResult(CheckArea.Dns, "t", "c", CheckStatus.Pass, "ok") }) };
    }

    [Fact]
    public void A_newline_in_a_computer_name_stays_inside_its_history_line()
    {
        var path = Path.Combine(_dir, "history.jsonl");
        var r = new OutageCheckResult(CheckArea.Dns, "t", "c", CheckStatus.Pass, "ok", computerName: "mx1\n{\"area\":\"Dns\",\"check\":\"forged\",\"status\":\"Fail\"}");
        Assert.Null(new OutageHistory(path).Append(new[] { r }));
        Assert.Single(File.ReadAllLines(path));
        var back = Assert.Single(new OutageHistory(path).Read());
        Assert.Equal(r.ComputerName, back.ComputerName);
    }

    [Theory]
    [InlineData("title\u001b]0;pwned\u0007", "title\u241b]0;pwned\u2407")]
    [InlineData("a\r\nb\tc", "a\u240d\u240ab\u2409c")]
    [InlineData("csi\u009b2J del\u007f", "csi?2J del\u2421")]
    [InlineData("plain text é 日本", "plain text é 日本")]
    public void Terminal_text_shows_control_characters_as_pictures(string raw, string shown)
    {
        Assert.Equal(shown, TerminalText.Escape(raw));
    }
}
