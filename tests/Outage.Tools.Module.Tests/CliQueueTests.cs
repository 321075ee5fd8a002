using System.Text.Json;
using Xunit;

namespace Outage.Tools.Module.Tests;

/// <summary>End-to-end tests of <c>outage queue …</c> on the saved real captures and Exchange fixtures.</summary>
public sealed class CliQueueTests
{
    private static string Fixture(string name) => Repo.PathOf("tests", "fixtures", "queue", name);

    private static List<JsonElement> Lines(string stdout) =>
        stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList();

    [Fact]
    public void Queue_help_lists_every_subcommand()
    {
        var r = CliProcess.Run("queue", "--help");
        Assert.Equal(0, r.ExitCode);
        foreach (var sub in new[] { "list", "messages", "shape", "watch", "export", "hold", "release", "delete" })
        {
            Assert.Contains(sub, r.Stdout, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Messages_as_json_lines_with_filters()
    {
        var r = CliProcess.Run("queue", "messages", "--postqueue-json", Fixture("postqueue-j.jsonl"), "--queue", "hold", "--format", "json");
        Assert.Equal(0, r.ExitCode);
        var m = Assert.Single(Lines(r.Stdout));
        Assert.Equal("hold", m.GetProperty("queue").GetString());
        Assert.Equal("PostqueueJson", m.GetProperty("source").GetString());
        Assert.True(m.GetProperty("recipients")[0].TryGetProperty("delayReason", out _));
    }

    [Fact]
    public void Shape_json_equals_the_qshape_capture()
    {
        var r = CliProcess.Run("queue", "shape", "--postqueue-json", Fixture("postqueue-j.jsonl"), "--queue", "deferred", "-f", "json");
        Assert.Equal(0, r.ExitCode);
        var rows = Lines(r.Stdout);
        Assert.Equal("TOTAL", rows[0].GetProperty("name").GetString());
        Assert.Equal(202, rows[0].GetProperty("total").GetInt64());
        Assert.Equal(6, rows.Count);
    }

    [Fact]
    public void List_reads_exim_and_exchange_sources()
    {
        var exim = CliProcess.Run("queue", "list", "--exim-bp", Fixture("exim-bp.txt"), "-f", "json");
        Assert.Equal(0, exim.ExitCode);
        Assert.Equal(6, Assert.Single(Lines(exim.Stdout)).GetProperty("messageCount").GetInt64());
        var exchange = CliProcess.Run("queue", "list", "--exchange-csv", Fixture("exchange-get-queue.csv"), "-f", "json");
        Assert.Equal(0, exchange.ExitCode);
        Assert.Equal(-3.5, Lines(exchange.Stdout)[0].GetProperty("velocity").GetDouble());
    }

    [Fact]
    public void A_bad_row_is_an_error_on_stderr_and_exit_2_while_the_rest_is_listed()
    {
        var r = CliProcess.Run("queue", "messages", "--exchange-csv", Fixture("exchange-get-message.csv"), "-f", "json");
        Assert.Equal(2, r.ExitCode);
        Assert.Equal(3, Lines(r.Stdout).Count);
        Assert.Contains("error[QueueExchangeInputInvalid]", r.Stderr, StringComparison.Ordinal);
        Assert.Contains("Line 6", r.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_tool_or_config_is_one_clear_error()
    {
        var r = CliProcess.Run("queue", "list", "--exim", "--exim-path", "/nonexistent/exim");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("error[ToolNotFound]", r.Stderr, StringComparison.Ordinal);
        Assert.Contains("--exim-path", r.Stderr, StringComparison.Ordinal);
        var c = CliProcess.Run("queue", "list", "--config-dir", "/nonexistent/postfix");
        Assert.Equal(2, c.ExitCode);
        Assert.Contains("--config-dir", c.Stderr, StringComparison.Ordinal);
        var two = CliProcess.Run("queue", "list", "--exim-bp", Fixture("exim-bp.txt"), "--postqueue-json", Fixture("postqueue-j.jsonl"));
        Assert.Equal(2, two.ExitCode);
    }

    [Fact]
    public void Actions_on_a_saved_listing_change_nothing_and_fail_clearly()
    {
        var r = CliProcess.Run("queue", "hold", "--postqueue-json", Fixture("postqueue-j.jsonl"), "3CE46B20032", "NOSUCHID");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("NOSUCHID", r.Stderr, StringComparison.Ordinal);
        Assert.Contains("not possible", r.Stderr, StringComparison.Ordinal);
        var none = CliProcess.Run("queue", "delete", "--postqueue-json", Fixture("postqueue-j.jsonl"));
        Assert.Equal(2, none.ExitCode);
    }

    [Fact]
    public void What_if_rows_say_WhatIf_instead_of_a_failure()
    {
        var r = CliProcess.Run("queue", "hold", "--postqueue-json", Fixture("postqueue-j.jsonl"), "3CE46B20032", "--what-if", "--format", "json");
        Assert.Equal(0, r.ExitCode);
        var row = JsonDocument.Parse(r.Stdout.Trim().Split('\n').Single()).RootElement;
        Assert.Equal("3CE46B20032", row.GetProperty("id").GetString());
        Assert.Equal("WhatIf", row.GetProperty("state").GetString());
        Assert.False(row.GetProperty("succeeded").GetBoolean());
        var table = CliProcess.Run("queue", "hold", "--postqueue-json", Fixture("postqueue-j.jsonl"), "3CE46B20032", "--what-if");
        Assert.Contains("WhatIf", table.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Watch_interval_takes_the_module_forms_and_checks_the_range_first()
    {
        var zero = CliProcess.Run("queue", "watch", "--postqueue-json", Fixture("postqueue-j.jsonl"), "--interval", "0", "--count", "2");
        Assert.Equal(2, zero.ExitCode);
        Assert.Contains("QueueWatchIntervalInvalid", zero.Stderr, StringComparison.Ordinal);
        Assert.Equal(string.Empty, zero.Stdout.Trim());
        var soon = CliProcess.Run("queue", "watch", "--postqueue-json", Fixture("postqueue-j.jsonl"), "--interval", "soon");
        Assert.Equal(2, soon.ExitCode);
        Assert.Contains("30s, 5m, 1h, 2d, 00:05:00", soon.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Watch_keeps_history_across_runs()
    {
        var history = Path.Combine(Path.GetTempPath(), $"outage-cli-history-{Guid.NewGuid():N}.jsonl");
        try
        {
            Assert.Equal(0, CliProcess.Run("queue", "watch", "--postqueue-json", Fixture("postqueue-j.jsonl"), "--history", history).ExitCode);
            var r = CliProcess.Run("queue", "watch", "--postqueue-json", Fixture("postqueue-j.jsonl"), "--history", history, "-f", "json");
            var s = Assert.Single(Lines(r.Stdout));
            Assert.Equal(0, s.GetProperty("delta").GetInt64());
            Assert.Equal(2, File.ReadAllLines(history).Length);
        }
        finally
        {
            File.Delete(history);
        }
    }
}

/// <summary>Standard output into a pipe is buffered, yet a slow stream still shows each line as it happens.</summary>
public sealed class CliStreamingOutputTests
{
    [Fact]
    public async Task Watch_into_a_pipe_shows_the_first_sample_before_the_run_ends()
    {
        var start = new System.Diagnostics.ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Repo.Root,
        };
        foreach (var arg in new[]
        {
            Repo.CliAssembly, "queue", "watch", "--postqueue-json", Repo.PathOf("samples", "queue", "postqueue-20261120T235756Z.jsonl"),
            "--interval", "3s", "--count", "2", "--format", "json",
        })
        {
            start.ArgumentList.Add(arg);
        }

        using var process = System.Diagnostics.Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var first = await process.StandardOutput.ReadLineAsync();

        // The second sample comes 3 s after the first. Had the output waited for the end of the run (or for a full
        // buffer), both lines would arrive together and the second would already be there to read.
        var second = process.StandardOutput.ReadLineAsync();
        var secondAlreadyThere = second.IsCompleted;
        var secondLine = await second;
        var rest = await process.StandardOutput.ReadToEndAsync();
        Assert.True(process.WaitForExit(60_000), "outage queue watch did not end");
        Assert.False(secondAlreadyThere, "the first sample was not shown before the second was taken");
        Assert.Equal(0, process.ExitCode);
        Assert.StartsWith("{\"source\":\"PostqueueJson\"", first, StringComparison.Ordinal);
        Assert.StartsWith("{\"source\":\"PostqueueJson\"", secondLine, StringComparison.Ordinal);
        Assert.Equal(string.Empty, rest.Trim());
        Assert.Equal(string.Empty, await stderr);
    }

    [Fact]
    public void Shape_with_a_huge_bucket_count_is_refused_before_allocating()
    {
        var r = CliProcess.Run("queue", "shape", "--postqueue-json", Repo.PathOf("tests", "fixtures", "queue", "postqueue-j.jsonl"), "--bucket-count", "100000000");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("error[InvalidArgument]", r.Stderr, StringComparison.Ordinal);
        Assert.Contains("between 1 and 100", r.Stderr, StringComparison.Ordinal);
    }
}
