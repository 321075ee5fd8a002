using System.Text.Json;
using Xunit;

namespace Outage.Tools.Module.Tests;

/// <summary>End-to-end tests of `outage log events` and `outage log summary`.</summary>
public sealed class CliLogTests
{
    private static string Fixture(string name) => Repo.PathOf("tests", "fixtures", "logs", name);

    [Fact]
    public void Events_as_json_lines_with_filters_and_the_bad_line_on_stderr()
    {
        var r = CliProcess.Run("log", "events", "--format", "json", "--status", "Deferred", "--year", "2026", "--utc-offset", "+01:00", Fixture("postfix-maillog.log"));
        Assert.Equal(0, r.ExitCode);
        var lines = r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        using var doc = JsonDocument.Parse(lines[0]);
        Assert.Equal("Deferred", doc.RootElement.GetProperty("status").GetString());
        Assert.Equal("carol@fabrikam.test", doc.RootElement.GetProperty("recipient").GetString());
        Assert.Equal("2026-11-30T05:16:01+01:00", doc.RootElement.GetProperty("time").GetString());
        Assert.Contains("postfix-maillog.log:10: not a Postfix log line", r.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Summary_by_domain_and_a_missing_file_exits_2()
    {
        var r = CliProcess.Run("log", "summary", "--by", "RecipientDomain", Fixture("exim-mainlog"));
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("contoso.test", r.Stdout, StringComparison.Ordinal);
        Assert.Contains("fabrikam.test", r.Stdout, StringComparison.Ordinal);
        var missing = CliProcess.Run("log", "summary", Fixture("no-such.log"));
        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("error[PathNotFound]", missing.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Mime_hops_lists_the_chain_oldest_first()
    {
        var r = CliProcess.Run("mime", "hops", "--format", "json", Repo.PathOf("tests", "fixtures", "headers", "hops.eml"));
        Assert.Equal(0, r.ExitCode);
        var lines = r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        using var last = JsonDocument.Parse(lines[2]);
        Assert.Equal(3, last.RootElement.GetProperty("hop").GetInt32());
        Assert.True(last.RootElement.GetProperty("clockSkew").GetBoolean());
    }
}
