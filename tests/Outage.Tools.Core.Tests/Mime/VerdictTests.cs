using System.Text;
using Outage.Tools.Core.Mime;
using Outage.Tools.Core.Operations;
using Xunit;
using static Outage.Tools.Core.Tests.Mime.MimeTestKit;

namespace Outage.Tools.Core.Tests.Mime;

/// <summary>
/// The verdict (Clean / Nonconforming / Poison) from the findings of one pass: each conditional rule with a case
/// where its condition holds and one where it does not, the catalogue's impact and evidence, and the profiles.
/// </summary>
public sealed class VerdictTests
{
    private const string Mv = "MIME-Version: 1.0\n";

    private static MimeMessageReport Report(string text, MimeProfile? profile = null)
    {
        var options = new MimeLintOptions { Profile = profile ?? MimeProfile.Calibrated };
        using var stream = new MemoryStream(Encoding.Latin1.GetBytes(text));
        return MimeLint.LintStream(stream, "t", false, options).Single();
    }

    public static TheoryData<string, string, MimeVerdict> Cases() => new()
    {
        { "clean", Head + "\nbody\n", MimeVerdict.Clean },
        { "missing-message-id", Head.Replace("Message-ID: <1@example.com>\n", "") + "\nbody\n", MimeVerdict.Nonconforming },
        { "undisclosed-recipients without ;", Head.Replace("To: bob@example.com", "To: undisclosed-recipients:") + "\nbody\n", MimeVerdict.Nonconforming },
        { "close delimiter missing", Head + Mv + "Content-Type: multipart/mixed; boundary=b\n\n--b\n\nx\n", MimeVerdict.Nonconforming },
        { "boundary absent, no delimiter-like line", Head + Mv + "Content-Type: multipart/mixed; boundary=b\n\nJust text.\n", MimeVerdict.Nonconforming },
        { "boundary absent, parts of another boundary", Head + Mv + "Content-Type: multipart/mixed; boundary=a\n\n--b\n\nx\n--b--\n", MimeVerdict.Poison },
        { "no-colon line then the blank line", Head + "garbage\n\nbody\n", MimeVerdict.Nonconforming },
        { "no-colon line then fields", Head.Replace("To: bob", "garbage\nTo: bob") + "\nbody\n", MimeVerdict.Poison },
        { "no-colon line in a part header then fields", Head + Mv + "Content-Type: multipart/mixed; boundary=b\n\n--b\ngarbage\nContent-Type: text/plain\n\nx\n--b--\n", MimeVerdict.Nonconforming },
        { "invalid name, last field", Head + "X-Bad Name: 1\n\nbody\n", MimeVerdict.Nonconforming },
        { "invalid name, fields follow", "X-Bad Name: 1\n" + Head + "\nbody\n", MimeVerdict.Poison },
        { "bare CR in a header", Head.Replace("Subject: hi", "Subject: a\rX-B: c") + "\nbody\n", MimeVerdict.Poison },
        { "bare CR in a body", Head + "\nab\rcd\n", MimeVerdict.Nonconforming },
        { "nested boundary, longer", Head + Mv + "Content-Type: multipart/mixed; boundary=abc\n\n--abc\nContent-Type: multipart/alternative; boundary=abcdef\n\n--abcdef\n\nx\n--abcdef--\n--abc--\n", MimeVerdict.Nonconforming },
        { "nested boundary, outer + --", Head + Mv + "Content-Type: multipart/mixed; boundary=abc\n\n--abc\nContent-Type: multipart/alternative; boundary=abc--\n\n--abc--\n\nx\n--abc----\n--abc--\n", MimeVerdict.Poison },
        { "too many Received", string.Concat(Enumerable.Repeat("Received: from a by b; Mon, 4 Mar 2024 10:00:00 +0000\n", 51)) + Head + "\nbody\n", MimeVerdict.Poison },
        { "NUL in the body", Head + "\nab\0cd\n", MimeVerdict.Nonconforming },
        { "MIME-Version with a comment", Head + "MIME-Version: 1.0 (Apple Message framework v1.2)\nContent-Type: text/plain\n\nbody\n", MimeVerdict.Clean },
        { "empty Content-Disposition", Head + Mv + "Content-Type: text/plain\nContent-Disposition: \n\nbody\n", MimeVerdict.Nonconforming },
        { "48 Received", string.Concat(Enumerable.Repeat("Received: from a by b; Mon, 4 Mar 2024 10:00:00 +0000\n", 48)) + Head + "\nbody\n", MimeVerdict.Clean },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Verdict_from_findings(string name, string text, MimeVerdict expected)
    {
        var r = Report(text);
        Assert.True(expected == r.Verdict, $"{name}: {r.Verdict}, expected {expected}: {Describe(r.Findings)}");
        Assert.Equal(expected == MimeVerdict.Poison, r.Poison);
        Assert.Equal(r.Poison, r.Findings.Any(f => f.Poison));
        Assert.Equal(r.WellFormed, r.ErrorCount + r.WarningCount == 0);
    }

    [Fact]
    public void Every_rule_names_its_impact_condition_and_evidence()
    {
        foreach (var rule in MimeRuleCatalog.All)
        {
            Assert.False(string.IsNullOrWhiteSpace(rule.Evidence), $"{rule.Id} has no evidence.");
            Assert.False(string.IsNullOrWhiteSpace(rule.PoisonWhen), $"{rule.Id} has no poison condition.");
            if (rule.Impact == MimeImpact.Conditional)
            {
                Assert.NotEqual("always", rule.PoisonWhen);
                Assert.NotEqual("never", rule.PoisonWhen);
            }
        }

        Assert.Contains(MimeRuleCatalog.All, r => r.Impact == MimeImpact.Poison);
        Assert.Contains(MimeRuleCatalog.All, r => r.Impact == MimeImpact.Conditional);
    }

    [Fact]
    public void Strict_profile_holds_every_error_and_a_file_moves_rules_between_classes()
    {
        var text = Head + Mv + "Content-Type: multipart/mixed; boundary=b\n\n--b\n\nx\n"; // boundary-close-missing
        Assert.Equal(MimeVerdict.Nonconforming, Report(text).Verdict);
        Assert.Equal(MimeVerdict.Poison, Report(text, MimeProfile.Strict).Verdict);

        var relay = MimeProfile.Parse("relay.profile", "# a Postfix relay\nboundary-* = Poison\nreceived-hop-count = Nonconforming\n");
        Assert.Equal(MimeImpact.Poison, relay.ImpactOf("boundary-close-missing"));
        Assert.Equal(MimeVerdict.Poison, Report(text, relay).Verdict);
        var loop = string.Concat(Enumerable.Repeat("Received: from a by b; Mon, 4 Mar 2024 10:00:00 +0000\n", 51)) + Head + "\nbody\n";
        Assert.Equal(MimeVerdict.Nonconforming, Report(loop, relay).Verdict);

        var strictBase = MimeProfile.Parse("x", "base = Strict\nmissing-from = Nonconforming\n");
        Assert.Equal(MimeImpact.Poison, strictBase.ImpactOf("boundary-not-found"));
        Assert.Equal(MimeImpact.Nonconforming, strictBase.ImpactOf("missing-from"));
    }

    [Theory]
    [InlineData("nonsense line")]
    [InlineData("no-such-rule = Poison")]
    [InlineData("nul-byte = Sometimes")]
    [InlineData("nul-byte = 2")]
    [InlineData("base = Lenient")]
    public void A_bad_profile_file_is_an_error_naming_the_line(string line)
    {
        var ex = Assert.Throws<OutageException>(() => MimeProfile.Parse("p.profile", "# ok\n" + line + "\n"));
        Assert.Equal(ErrorIds.MimeProfileInvalid, ex.Error.ErrorId);
        Assert.Contains("Line 2", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_takes_built_in_names_and_files_and_names_a_missing_file()
    {
        Assert.Same(MimeProfile.Calibrated, MimeProfile.Load("calibrated"));
        Assert.Same(MimeProfile.Strict, MimeProfile.Load("STRICT"));
        var path = Path.Combine(Path.GetTempPath(), $"outage-profile-{Guid.NewGuid():N}.txt");
        File.WriteAllText(path, "nul-byte = Poison\n");
        try
        {
            Assert.Equal(MimeImpact.Poison, MimeProfile.Load(path).ImpactOf("nul-byte"));
        }
        finally
        {
            File.Delete(path);
        }

        var ex = Assert.Throws<OutageException>(() => MimeProfile.Load(path));
        Assert.Equal(ErrorIds.MimeProfileInvalid, ex.Error.ErrorId);
    }
}
