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

    [Fact]
    public void Delay_gives_percentiles_per_destination_and_slow_messages_as_json()
    {
        var r = CliProcess.Run("log", "delay", "--by", "RecipientDomain", Fixture("postfix-maillog.log"));
        Assert.Equal(0, r.ExitCode);
        var lines = r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Matches(@"^GroupBy\s+Delivered\s+Undelivered\s+Deferred\s+P50\s+P90\s+P95\s+P99\s+Maximum\s+Key$", lines[0]);
        // The slowest destination first: fabrikam.test, delivered two hours after receipt.
        Assert.Matches(@"^RecipientDomain\s+1\s+0\s+1\s+2h00m\s+2h00m\s+2h00m\s+2h00m\s+2h00m\s+fabrikam\.test$", lines[2]);
        Assert.All(lines, l => Assert.True(l.Length <= 120, l));

        var slow = CliProcess.Run("log", "delay", "--format", "json", "--by", "message", "--minimum-delay", "1h", Fixture("MSGTRK2026113005-1.LOG"), Fixture("postfix-maillog.log"));
        Assert.Equal(0, slow.ExitCode);
        var rows = slow.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        using var doc = JsonDocument.Parse(Assert.Single(rows)); // the 30-minute Exchange message is below the minimum
        Assert.Equal("<m1@example.test>", doc.RootElement.GetProperty("key").GetString());
        Assert.Equal("4B1A2C3D4E", doc.RootElement.GetProperty("queueId").GetString());
        Assert.Equal("02:00:02", doc.RootElement.GetProperty("maximum").GetString());

        var bad = CliProcess.Run("log", "delay", "--minimum-delay", "soon", Fixture("postfix-maillog.log"));
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("--minimum-delay", bad.Stderr, StringComparison.Ordinal);
    }
}
