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

    [Fact]
    public void Mime_headers_reports_the_anti_spam_and_authentication_verdicts()
    {
        var table = CliProcess.Run("mime", "headers", Repo.PathOf("tests", "fixtures", "headers", "eop-spam.eml"));
        Assert.Equal(0, table.ExitCode);
        Assert.Matches(@"eop-spam\.eml\s+2\s+10800s\s+10800s\s+9\s+SPM\s+SPOOF\s+7\s+softfail\s+none\s+fail\s+fail \(000\)", table.Stdout);
        var json = CliProcess.Run("mime", "headers", "--format", "json", Repo.PathOf("tests", "fixtures", "headers", "eop-inbound.eml"));
        Assert.Equal(0, json.ExitCode);
        using var doc = JsonDocument.Parse(json.Stdout.Trim());
        Assert.Equal("NSPM", doc.RootElement.GetProperty("sfv").GetString());
        Assert.Equal(4, doc.RootElement.GetProperty("hops").GetArrayLength());
        Assert.Contains(doc.RootElement.GetProperty("antispam").EnumerateArray(), f => f.GetProperty("key").GetString() == "SFV" && f.GetProperty("meaning").GetString()!.StartsWith("Not spam", StringComparison.Ordinal));
        Assert.Contains(doc.RootElement.GetProperty("authentication").EnumerateArray(), a => a.GetProperty("method").GetString() == "compauth" && a.GetProperty("reason").GetString() == "100");
        var bad = CliProcess.Run("mime", "headers", Repo.PathOf("tests", "fixtures", "headers", "malformed-antispam.eml"));
        Assert.Equal(0, bad.ExitCode); // malformed values are warnings, not failures
        Assert.Contains("outage: warning:", bad.Stderr, StringComparison.Ordinal);
        Assert.Contains("line 5: X-Microsoft-Antispam BCL '12' is not a number from 0 to 9", bad.Stderr, StringComparison.Ordinal);
    }
}
