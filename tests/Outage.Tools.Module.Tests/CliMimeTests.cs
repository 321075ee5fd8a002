using System.Text.Json;
using Xunit;

namespace Outage.Tools.Module.Tests;

/// <summary>End-to-end tests of `outage mime lint` and `outage mime tree`: JSON Lines shape, exit codes, mbox, folders.</summary>
public sealed class CliMimeTests
{
    private static string Fixture(string name) => Repo.PathOf("tests", "fixtures", "mime", name);

    [Fact]
    public void Lint_json_has_exactly_the_documented_properties_and_exit_0_for_good_mail()
    {
        var r = CliProcess.Run("mime", "lint", "--format", "json", Fixture("valid-nested.eml"), Fixture("valid-digest.eml"));
        Assert.Equal(0, r.ExitCode);
        var lines = r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        using var doc = JsonDocument.Parse(lines[0]);
        Assert.Equal(new[] { "path", "size", "verdict", "poison", "wellFormed", "errorCount", "warningCount", "findings" },
            doc.RootElement.EnumerateObject().Select(p => p.Name));
        Assert.True(doc.RootElement.GetProperty("wellFormed").GetBoolean());
        Assert.Equal("Clean", doc.RootElement.GetProperty("verdict").GetString());
        Assert.False(doc.RootElement.GetProperty("poison").GetBoolean());
    }

    [Fact]
    public void Lint_exits_1_on_a_poison_message_only_and_reports_offsets()
    {
        var dir = Path.Combine(Path.GetTempPath(), "outage-cli-mime-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            var file = Path.Combine(dir, "bad.eml");
            File.WriteAllBytes(file, "From: a@example.com\r\nDate: Mon, 4 Mar 2024 10:00:00 +0000\r\nMessage-ID: <1@example.com>\r\nSubject: x\r\n\r\nab\0cd\r\n"u8.ToArray());
            // A NUL in a body breaks the RFC but hurts no software here: Nonconforming, exit 0; Strict holds it.
            var r = CliProcess.Run("mime", "lint", "--format", "json", "--recurse", dir);
            Assert.Equal(0, r.ExitCode);
            using var doc = JsonDocument.Parse(r.Stdout.Trim());
            Assert.Equal("Nonconforming", doc.RootElement.GetProperty("verdict").GetString());
            var finding = doc.RootElement.GetProperty("findings")[0];
            Assert.Equal(new[] { "rule", "severity", "poison", "offset", "line", "part", "header", "message", "reference" },
                finding.EnumerateObject().Select(p => p.Name));
            Assert.Equal(1, CliProcess.Run("mime", "lint", "--profile", "Strict", dir).ExitCode);
            var badProfile = CliProcess.Run("mime", "lint", "--profile", Path.Combine(dir, "no-such.profile"), dir);
            Assert.Equal(2, badProfile.ExitCode);
            Assert.Contains("MimeProfileInvalid", badProfile.Stderr, StringComparison.Ordinal);

            // A colon-less line before To: parsers end the header there and read To as body text. Poison, exit 1.
            File.WriteAllBytes(Path.Combine(dir, "poison.eml"), "From: a@example.com\r\nDate: Mon, 4 Mar 2024 10:00:00 +0000\r\nbroken\r\nTo: b@example.com\r\n\r\nx\r\n"u8.ToArray());
            var poison = CliProcess.Run("mime", "lint", "--format", "json", Path.Combine(dir, "poison.eml"));
            Assert.Equal(1, poison.ExitCode);
            Assert.Contains("\"verdict\":\"Poison\"", poison.Stdout, StringComparison.Ordinal);
            Assert.Equal("nul-byte", finding.GetProperty("rule").GetString());
            Assert.Equal("Error", finding.GetProperty("severity").GetString());
            Assert.Equal(104, finding.GetProperty("offset").GetInt64());
            Assert.Equal(6, finding.GetProperty("line").GetInt64());
            Assert.Equal("0", finding.GetProperty("part").GetString());

            var onlyOther = CliProcess.Run("mime", "lint", "--rule", "missing-*", dir);
            Assert.Equal(0, onlyOther.ExitCode);
            Assert.Contains("True", onlyOther.Stdout, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void Lint_mbox_gives_one_line_per_message_and_missing_paths_exit_2()
    {
        var r = CliProcess.Run("mime", "lint", "--mbox", "--format", "json", Fixture("three.mbox"));
        Assert.Equal(0, r.ExitCode); // a missing Date is nonconforming, not poison
        Assert.Equal(3, r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Contains("missing-date", r.Stdout, StringComparison.Ordinal);

        var missing = CliProcess.Run("mime", "lint", Fixture("no-such.eml"));
        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("PathNotFound", missing.Stderr, StringComparison.Ordinal);

        var badRule = CliProcess.Run("mime", "lint", "--rule", "no-such-rule", Fixture("valid-nested.eml"));
        Assert.Equal(2, badRule.ExitCode);
        Assert.Contains("MimeRuleNotFound", badRule.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Tree_lists_the_parts()
    {
        var r = CliProcess.Run("mime", "tree", "--format", "json", Fixture("valid-nested.eml"));
        Assert.Equal(0, r.ExitCode);
        var parts = r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(new[] { "0", "1", "1.1", "1.2", "2", "3", "3" }, parts.Select(p => p.GetProperty("part").GetString()));
        Assert.Equal("application/pdf", parts[4].GetProperty("contentType").GetString());
        var table = CliProcess.Run("mime", "tree", Fixture("valid-nested.eml"));
        Assert.Contains("multipart/alternative", table.Stdout, StringComparison.Ordinal);
    }
}
