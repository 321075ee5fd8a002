using System.Text.Json;
using Xunit;

namespace Outage.Tools.Module.Tests;

/// <summary>End to end: `outage check` and `outage report` on the shipped samples, as the README's main job runs them.</summary>
public sealed class CliCheckTests
{
    private static string Samples(string name) => Repo.PathOf("samples", name);

    [Fact]
    public void Check_on_the_samples_finds_the_growing_backlog_and_the_poison_messages()
    {
        var r = CliProcess.Run("check", "--config", Samples("outage-check.psd1"), "--format", "json");
        Assert.Equal(1, r.ExitCode); // a check failed
        var results = r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        string Status(string check) => results.Single(x => x.GetProperty("check").GetString() == check).GetProperty("status").GetString()!;
        Assert.Equal("Warn", Status("queue-size"));      // 201 queued: over 200, under 2000
        Assert.Equal("Warn", Status("queue-growth"));    // 67 → 201 in 20 minutes
        Assert.Equal("Warn", Status("queue-oldest"));    // 30 minutes
        Assert.Equal("Fail", Status("poison-messages")); // 1 of 5 poison, 1 more nonconforming
        var size = results.Single(x => x.GetProperty("check").GetString() == "queue-size");
        Assert.Equal(201, size.GetProperty("value").GetDouble());
        Assert.Equal(new[] { 67.0, 134.0 }, size.GetProperty("trend").EnumerateArray().Select(p => p.GetProperty("value").GetDouble()));
        var poison = results.Single(x => x.GetProperty("check").GetString() == "poison-messages");
        var evidence = string.Join("\n", poison.GetProperty("evidence").EnumerateArray().Select(e => e.GetString()));
        Assert.DoesNotContain("04-truncated-invoice.eml", evidence, StringComparison.Ordinal);
        Assert.Contains("05-newsletter-bad-boundary.eml: ", evidence, StringComparison.Ordinal);
        Assert.Contains("boundary-not-found", evidence, StringComparison.Ordinal);
        Assert.DoesNotContain("01-order-confirmation", evidence, StringComparison.Ordinal);
        // mx1's Postfix log (samples/maillog, written by samples/make-maillog.py from the snapshots): the relay refuses from 23:27:56.
        Assert.Equal("Warn", Status("deferral-rate"));   // 471 deferrals in the last hour: 7.85/min
        var rate = results.Single(x => x.GetProperty("check").GetString() == "deferral-rate");
        Assert.Equal(7.85, rate.GetProperty("value").GetDouble());
        // All 471 deferrals are one reason: qmgr's "delivery temporarily suspended: X" counts as X (the first refusal at 23:27:56).
        Assert.Contains("top reason since 2026-11-20 23:27:56 +00:00: connect to 127.0.0.1[127.0.0.1]:2599: Connection refused (471)",
            rate.GetProperty("summary").GetString(), StringComparison.Ordinal);
        Assert.Equal("Warn", Status("delivery-delay"));  // p95 28 minutes: the 201 waiting messages at their age
        Assert.Contains("Next hop 127.0.0.1[127.0.0.1]:2599 refuses connections; the queue mx1 (postqueue -j snapshots) grows +6.7/min (201 messages). The mail log mx1 (mail.log) shows 7.85 deferrals/min for it since 2026-11-20 23:27 UTC.",
            r.Stderr + r.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_writes_history_and_a_report_and_report_renders_every_format()
    {
        var dir = Directory.CreateTempSubdirectory("outage-cli-check-").FullName;
        try
        {
            var history = Path.Combine(dir, "history.jsonl");
            var html = Path.Combine(dir, "report.html");
            var first = CliProcess.Run("check", "--config", Samples("outage-check.psd1"), "--history", history, "--report", html);
            Assert.Equal(1, first.ExitCode);
            Assert.Contains("poison-messages", first.Stdout, StringComparison.Ordinal);
            Assert.Contains("<title>Mail outage report</title>", File.ReadAllText(html), StringComparison.Ordinal);
            var second = CliProcess.Run("check", "--config", Samples("outage-check.psd1"), "--history", history, "--format", "json");
            var lines = File.ReadAllLines(history);
            var perRun = second.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length;
            Assert.True(perRun >= 20, second.Stdout); // queue, MIME, DNS and endpoint checks of the sample
            Assert.Equal(2 * perRun, lines.Length); // two runs
            // The probable causes of the sample's story, printed after the table.
            Assert.Contains("Probable cause (Dns): DNS for contoso.com is failing; OWA, ActiveSync and Autodiscover are down because of it.", first.Stdout, StringComparison.Ordinal);
            Assert.Contains("Probable cause (Queue): Next hop 127.0.0.1[127.0.0.1]:2599 refuses connections", first.Stdout, StringComparison.Ordinal);
            Assert.Contains("id=\"causes\"", File.ReadAllText(html), StringComparison.Ordinal);
            var poison = second.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement)
                .Single(x => x.GetProperty("check").GetString() == "poison-messages");
            Assert.True(poison.GetProperty("since").GetDateTimeOffset() < poison.GetProperty("timestamp").GetDateTimeOffset(), "since should come from the first run");

            foreach (var format in new[] { "html", "markdown", "json", "prometheus" })
            {
                var output = Path.Combine(dir, "out." + format);
                var r = CliProcess.Run("report", "--input", history, "--format", format, "--out", output);
                Assert.True(r.ExitCode == 0, r.Stderr);
                Assert.True(new FileInfo(output).Length > 100);
            }

            var again = CliProcess.Run("report", "--input", history, "--format", "html", "--out", Path.Combine(dir, "out.html"));
            Assert.Equal(2, again.ExitCode);
            Assert.Contains("error[ReportFileExists]", again.Stderr, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void Check_with_a_Logs_entry_rates_deferrals_and_delivery_delay_and_the_report_draws_them()
    {
        var dir = Directory.CreateTempSubdirectory("outage-cli-logs-").FullName;
        try
        {
            var config = Path.Combine(dir, "outage.psd1");
            var log = Repo.PathOf("tests", "fixtures", "logs", "postfix-maillog.log");
            File.WriteAllText(config, $"@{{ Logs = @(@{{ Name = 'mx'; Path = '{log}'; Year = 2026; UtcOffset = '+00:00'; Window = '3h'; DeferralRateWarnPerMinute = 0.01 }}) }}");
            var html = Path.Combine(dir, "report.html");
            var r = CliProcess.Run("check", "--config", config, "--format", "json", "--report", html);
            Assert.Equal(1, r.ExitCode); // delivery-delay fails
            var results = r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
            var rate = results.Single(x => x.GetProperty("check").GetString() == "deferral-rate");
            Assert.Equal("Log", rate.GetProperty("area").GetString());
            // 2 deferrals over the 121 minutes the log covers (shorter than the window): 0.017/min, over this entry's Warn of 0.01.
            Assert.Equal("Warn", rate.GetProperty("status").GetString());
            Assert.StartsWith("0.02 deferrals/min in the last 121 min to 2026-11-30 07:17:00 +00:00 (2)", rate.GetProperty("summary").GetString(), StringComparison.Ordinal);
            Assert.Contains("top reason since 2026-11-30 05:16:01 +00:00: connect to 192.0.2.2[192.0.2.2]:25: Connection refused (2)", rate.GetProperty("summary").GetString(), StringComparison.Ordinal);
            Assert.Equal(new[] { 1.0, 1.0, 0.0 }, rate.GetProperty("trend").EnumerateArray().Select(p => p.GetProperty("value").GetDouble()));
            var delay = results.Single(x => x.GetProperty("check").GetString() == "delivery-delay");
            Assert.Equal("Fail", delay.GetProperty("status").GetString()); // p95 two hours ≥ 60 min
            Assert.Equal(120.03, delay.GetProperty("value").GetDouble());
            var report = File.ReadAllText(html);
            Assert.Contains("<h2>Deferrals per hour</h2>", report, StringComparison.Ordinal);
            Assert.Contains(" mx 2026-11-30 05:00: 1 deferrals</title>", report, StringComparison.Ordinal);

            File.WriteAllText(config, $"@{{ Logs = @(@{{ Path = '{log}'; Windw = '1h' }}) }}");
            var bad = CliProcess.Run("check", "--config", config);
            Assert.Equal(2, bad.ExitCode);
            Assert.Contains("unknown key 'Windw' in an entry of Logs", bad.Stderr, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void Bad_configuration_and_bad_input_are_clear_errors_with_exit_code_2()
    {
        var missing = CliProcess.Run("check", "--config", "/nonexistent/outage.psd1");
        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("error[CheckConfigurationNotFound]", missing.Stderr, StringComparison.Ordinal);
        var nothing = CliProcess.Run("check");
        Assert.Equal(2, nothing.ExitCode);
        Assert.Contains("error[CheckNothingToDo]", nothing.Stderr, StringComparison.Ordinal);
        var badQueue = CliProcess.Run("check", "--queue", "sendmail:/var/spool");
        Assert.Equal(2, badQueue.ExitCode);
        Assert.Contains("not a queue source", badQueue.Stderr, StringComparison.Ordinal);
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, "{\"not\":\"a result\"}\n");
            var r = CliProcess.Run("report", "--input", file, "--format", "json", "--out", file + ".json");
            Assert.Equal(2, r.ExitCode);
            Assert.Contains("line 1 is not a check result", r.Stderr, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
            File.Delete(file + ".json");
        }
    }

    [Fact]
    public void Report_reads_results_without_optional_fields_names_bad_lines_and_never_replaces_a_report_it_could_not_read()
    {
        var dir = Directory.CreateTempSubdirectory("outage-report-input-").FullName;
        try
        {
            var input = Path.Combine(dir, "results.jsonl");
            File.WriteAllText(input,
                "{\"area\":\"Queue\",\"target\":\"active\",\"check\":\"queue-size\",\"status\":\"Warn\",\"summary\":\"300\",\"detail\":null,\"timestamp\":\"2026-01-01T00:00:00Z\",\"duration\":\"00:00:01\"}\n" +
                "{\"area\":\"Queue\",\"target\":\"hold\",\"check\":\"queue-size\",\"status\":\"Pass\",\"duration\":1e300}\n");
            var html = Path.Combine(dir, "report.html");
            var r = CliProcess.Run("report", "--input", input, "--out", html);
            Assert.Equal(2, r.ExitCode);
            Assert.Contains("line 2 is not a check result: the field 'duration'", r.Stderr, StringComparison.Ordinal);
            Assert.DoesNotContain("InternalError", r.Stderr, StringComparison.Ordinal);
            Assert.Contains("active", File.ReadAllText(html), StringComparison.Ordinal);

            var before = File.ReadAllText(html);
            var missing = CliProcess.Run("report", "--input", Path.Combine(dir, "missing.jsonl"), "--out", html, "--force");
            Assert.Equal(2, missing.ExitCode);
            Assert.Contains("error[PathNotFound]", missing.Stderr, StringComparison.Ordinal);
            Assert.Equal(before, File.ReadAllText(html));

            var zero = CliProcess.Run(TimeSpan.FromSeconds(60), null, "report", "--input", "/dev/zero", "--out", html, "--force");
            Assert.Equal(2, zero.ExitCode);
            Assert.Contains("is a character device, not a results file", zero.Stderr, StringComparison.Ordinal);
            Assert.Equal(before, File.ReadAllText(html));

            var fifo = Path.Combine(dir, "fifo.jsonl");
            using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", fifo)!)
            {
                Assert.True(mkfifo.WaitForExit(10000));
                Assert.Equal(0, mkfifo.ExitCode);
            }
            var pipe = CliProcess.Run(TimeSpan.FromSeconds(60), null, "report", "--input", fifo, "--out", html, "--force");
            Assert.Equal(2, pipe.ExitCode);
            Assert.Contains("is a FIFO (named pipe), not a results file", pipe.Stderr, StringComparison.Ordinal);
            Assert.Equal(before, File.ReadAllText(html));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void Table_output_and_warnings_never_carry_raw_escape_sequences()
    {
        var dir = Directory.CreateTempSubdirectory("outage-cli-esc-").FullName;
        try
        {
            var name = "x\u001b]0;pwned\u0007.eml";
            File.WriteAllText(Path.Combine(dir, name), "From: a@b.test\r\nSubject: s\r\n\r\nbody\r\n");
            var r = CliProcess.Run("mime", "lint", dir);
            Assert.DoesNotContain('\u001b', r.Stdout + r.Stderr);
            Assert.DoesNotContain('\u0007', r.Stdout + r.Stderr);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }
}
