using Outage.Tools.Core.Headers;
using Outage.Tools.Core.Mime;
using Outage.Tools.Core.Operations;
using Xunit;

namespace Outage.Tools.Core.Tests.Headers;

/// <summary>
/// Anti-spam and authentication headers decoded as Message Header Analyzer shows them: fixtures written from the
/// documented formats (Microsoft Learn "Anti-spam message headers", RFC 8601), the real Exchange Online headers of the
/// shared corpus, and malformed values that must be located warnings, never fatal.
/// </summary>
public sealed class HeaderReportTests
{
    private static string Fixture(string name) => Path.Combine(Mime.MimeTestKit.RepoRoot, "tests", "fixtures", "headers", name);

    private const string Corpus = "/work/shared/corpus/real-world";

    private static (MessageHeaderReport Report, List<string> Warnings) Report(string path)
    {
        var outcomes = MessageHeaderReports.Run(new[] { MimeInput.FromPath(path) }).ToList();
        Assert.DoesNotContain(outcomes, o => o.Kind == OutcomeKind.Error);
        return (Assert.Single(outcomes, o => o.Kind == OutcomeKind.Result).Value!, outcomes.Where(o => o.Kind == OutcomeKind.Warning).Select(o => o.Text!).ToList());
    }

    private static HeaderField Field(string name, string value) => new(name, value, 7);

    [Fact]
    public void Exchange_Online_inbound_message_is_decoded()
    {
        var (r, warnings) = Report(Fixture("eop-inbound.eml"));
        Assert.Empty(warnings);
        Assert.Equal("Quarterly figures", r.Subject);
        Assert.Equal(new DateTimeOffset(2026, 11, 30, 6, 6, 38, TimeSpan.FromHours(1)), r.Date);
        Assert.Equal(4, r.HopCount);
        Assert.Equal("mail.fabrikam.test (Postfix)", r.Hops[0].By);
        Assert.Equal(TimeSpan.FromSeconds(742), r.TotalDelay);
        Assert.Equal(TimeSpan.FromSeconds(740), r.LongestDelay); // Postfix at fabrikam to EOP's front end
        Assert.Equal(2, r.SlowestHop);
        Assert.Equal(1, r.Scl);
        Assert.Equal("NSPM", r.Sfv);
        Assert.Equal("NONE", r.Cat);
        Assert.Equal(0, r.Bcl);
        Assert.Equal("INB", r.Direction);
        Assert.Equal("192.0.2.25", r.ClientIp);
        Assert.Equal("DE", r.Country);
        Assert.Equal(("pass", "pass", "pass", "pass", "100"), (r.Spf, r.Dkim, r.Dmarc, r.CompAuth, r.CompAuthReason));
        Assert.Empty(r.Findings);

        // The spaced "; CTRY:DE; LANG:en" form: keys trimmed (MHA leaves " CTRY" unparsed).
        var sfv = Assert.Single(r.Antispam, f => f.Key == "SFV");
        Assert.Equal(("X-Forefront-Antispam-Report", "Spam filtering verdict"), (sfv.Header, sfv.Name));
        Assert.StartsWith("Not spam", sfv.Meaning, StringComparison.Ordinal);
        Assert.Equal("Inbound", r.Antispam.Single(f => f.Key == "DIR").Meaning);
        Assert.Equal("Not spam: delivered to the Inbox", r.Antispam.Single(f => f.Key == "SCL" && f.Header == AntispamHeaders.ForefrontReport).Meaning);
        Assert.Equal("Not spam: delivered to the Inbox", r.Antispam.Single(f => f.Header == AntispamHeaders.OrganizationScl).Meaning);
        Assert.Equal(string.Empty, r.Antispam.Single(f => f.Key == "SRV").Value);
        Assert.Null(r.Antispam.Single(f => f.Key == "SFS").Meaning);
        Assert.Null(r.Antispam.Single(f => f.Key == "ARA").Name); // diagnostic field, kept without a name
        Assert.Equal("Inbox", r.Antispam.Single(f => f.Key == "dest").Meaning);
        Assert.All(r.Antispam, f => Assert.True(f.Line > 0));

        var spf = r.Authentication.First(a => a.Method == "spf");
        Assert.Null(spf.AuthServId); // Exchange Online writes no authserv-id
        Assert.Equal(("fabrikam.test", "sender IP is 192.0.2.25"), (spf.Identity, spf.Comment));
        Assert.Equal("fabrikam.test", r.Authentication.First(a => a.Method == "dkim").Identity);
        var dmarc = r.Authentication.First(a => a.Method == "dmarc");
        Assert.Equal(("none", "header.from=fabrikam.test"), (dmarc.Property("action"), dmarc.Properties.Split(' ')[1]));
        Assert.Contains("action: no action", dmarc.Meaning, StringComparison.Ordinal);
        Assert.Equal("Composite authentication passed: passed authentication", r.Authentication.First(a => a.Method == "compauth").Meaning);
        // ARC-Authentication-Results: "i=1;" then the authserv-id with its version.
        var arc = r.Authentication.Where(a => a.Header == AuthenticationResults.ArcHeaderName).ToList();
        Assert.Equal(new[] { "spf", "dmarc", "dkim", "arc" }, arc.Select(a => a.Method));
        Assert.All(arc, a => Assert.Equal("mx.microsoft.com", a.AuthServId));
    }

    [Fact]
    public void Spam_and_spoofing_verdicts_are_explained()
    {
        var (r, warnings) = Report(Fixture("eop-spam.eml"));
        Assert.Empty(warnings);
        Assert.Equal((9, "SPM", "SPOOF", 7), (r.Scl, r.Sfv, r.Cat, r.Bcl));
        Assert.Equal(("softfail", "none", "fail", "fail", "000"), (r.Spf, r.Dkim, r.Dmarc, r.CompAuth, r.CompAuthReason));
        Assert.StartsWith("High confidence spam", r.Antispam.First(f => f.Key == "SCL").Meaning, StringComparison.Ordinal);
        Assert.Equal("Spoofing", r.Antispam.Single(f => f.Key == "CAT").Meaning);
        Assert.StartsWith("Domain impersonation", r.Antispam.Single(f => f.Key == "SFTY").Meaning, StringComparison.Ordinal);
        Assert.Equal("Bulk sender that generates a mixed number of complaints", r.Antispam.Single(f => f.Key == "BCL").Meaning);
        Assert.Equal("Junk Email folder", r.Antispam.Single(f => f.Key == "dest").Meaning);
        Assert.Contains("override reject", r.Authentication.Single(a => a.Method == "dmarc").Meaning, StringComparison.Ordinal);
        Assert.Contains("failed explicit authentication", r.Authentication.Single(a => a.Method == "compauth").Meaning, StringComparison.Ordinal);
        // The mailbox server stamped 08:40:10, three hours after the EOP front end: the slow hop.
        Assert.Equal(TimeSpan.FromHours(3), r.TotalDelay);
        Assert.Equal(new[] { "dmarc-fail", "compauth-fail", "spam", "bulk-complaints" },
            HeaderFindings.Rules.Where(rule => r.Findings.Contains(rule.Text)).Select(rule => rule.Id));
    }

    [Fact]
    public void Malformed_values_are_located_warnings_and_the_rest_is_kept()
    {
        var (r, warnings) = Report(Fixture("malformed-antispam.eml"));
        Assert.Equal(1, r.HopCount);
        Assert.Contains(warnings, w => w.Contains("line 2: Authentication-Results: spf=maybe is not a result spf defines", StringComparison.Ordinal));
        Assert.Contains(warnings, w => w.Contains("line 2: Authentication-Results: 'dkim' is not 'method=result'", StringComparison.Ordinal));
        Assert.Contains(warnings, w => w.Contains("'stray-word' after dmarc=pass", StringComparison.Ordinal));
        Assert.Contains(warnings, w => w.Contains("line 4: X-MS-Exchange-Organization-SCL SCL 'high' is not a number from -1 to 9", StringComparison.Ordinal));
        Assert.Contains(warnings, w => w.Contains("line 5: X-Microsoft-Antispam BCL '12' is not a number from 0 to 9", StringComparison.Ordinal));
        Assert.Contains(warnings, w => w.Contains("line 6: X-Forefront-Antispam-Report field 3 'garbage' is not 'key:value'", StringComparison.Ordinal));
        Assert.Contains(warnings, w => w.Contains("line 6: X-Forefront-Antispam-Report SCL '' is not a number", StringComparison.Ordinal));
        Assert.Contains(warnings, w => w.Contains("line 9: Date 'someday'", StringComparison.Ordinal));
        Assert.All(warnings, w => Assert.StartsWith(Fixture("malformed-antispam.eml") + ": line ", w, StringComparison.Ordinal));
        // What could be read still is.
        Assert.Equal(("maybe", "pass"), (r.Spf, r.Dmarc));
        Assert.Equal("NSPM", r.Sfv);
        Assert.Null(r.Scl);
        Assert.Null(r.Bcl);
        Assert.Equal("mx.contoso.test", r.Authentication[0].AuthServId);
    }

    [Theory]
    [InlineData("spf=pass smtp.mailfrom=a.test", "spf", "pass", true)]
    [InlineData("spf=hardfail smtp.mailfrom=a.test", "spf", "hardfail", false)]
    [InlineData("dkim=policy header.d=a.test", "dkim", "policy", true)]
    [InlineData("dkim=softfail header.d=a.test", "dkim", "softfail", false)]
    [InlineData("dmarc=bestguesspass action=none header.from=a.test", "dmarc", "bestguesspass", true)]
    [InlineData("dmarc=softfail header.from=a.test", "dmarc", "softfail", false)]
    [InlineData("arc=none", "arc", "none", true)]
    [InlineData("arc=neutral", "arc", "neutral", false)]
    [InlineData("compauth=softpass reason=202", "compauth", "softpass", true)]
    [InlineData("compauth=neutral reason=202", "compauth", "neutral", false)]
    [InlineData("iprev=pass policy.iprev=192.0.2.1", "iprev", "pass", true)]
    [InlineData("iprev=none policy.iprev=192.0.2.1", "iprev", "none", false)]
    [InlineData("auth=pass smtp.auth=alice", "auth", "pass", true)]
    [InlineData("auth=softfail smtp.auth=alice", "auth", "softfail", false)]
    [InlineData("x-custom=whatever", "x-custom", "whatever", true)]
    public void Each_method_accepts_only_its_results(string resinfo, string method, string result, bool valid)
    {
        var warnings = new List<string>();
        var r = Assert.Single(AuthenticationResults.Parse(Field("Authentication-Results", "mx.test; " + resinfo), "m.eml", warnings));
        Assert.Equal((method, result), (r.Method, r.Result));
        Assert.Equal(valid, warnings.Count == 0);
        Assert.Equal(valid && method != "x-custom", r.Meaning is not null);
    }

    [Fact]
    public void RFC_8601_syntax_comments_versions_quoted_values_and_none()
    {
        var warnings = new List<string>();
        // RFC 8601 appendix B examples, with CFWS around '=' and a method version.
        var results = AuthenticationResults.Parse(Field("Authentication-Results",
            "example.com 1 (the server); spf = pass (good) smtp.mailfrom=\"sender@example.net\"; dkim/1=pass reason=\"good signature\" header.i=@mail-router.example.net (ok); none"),
            "m.eml", warnings);
        Assert.Empty(warnings);
        Assert.Equal(2, results.Count);
        Assert.Equal(("example.com", "spf", "pass", "good", "sender@example.net"), (results[0].AuthServId, results[0].Method, results[0].Result, results[0].Comment, results[0].Identity));
        Assert.Equal(("dkim", "good signature", "@mail-router.example.net"), (results[1].Method, results[1].Reason, results[1].Identity));
        Assert.Empty(AuthenticationResults.Parse(Field("Authentication-Results", "example.org 1; none"), "m.eml", warnings));
        Assert.Empty(warnings);
    }

    [Theory]
    [InlineData("SCL", "-1", "Not spam: filtering skipped")]
    [InlineData("SCL", "5", "Spam: delivered")]
    [InlineData("SCL", "3", "Not assigned by spam filtering")]
    [InlineData("SFV", "SKQ", "Released from quarantine")]
    [InlineData("SFV", "BLK", "Filtering skipped and blocked")]
    [InlineData("IPV", "CAL", "Spam filtering skipped: the source IP address is in the IP Allow List")]
    [InlineData("CAT", "HPHISH", "High confidence phishing")]
    [InlineData("SRV", "BULK", "Identified as bulk mail")]
    [InlineData("PCL", "8", "Content likely to be phishing")]
    public void Forefront_values_have_their_documented_meaning(string key, string value, string meaning)
    {
        var warnings = new List<string>();
        var field = Assert.Single(AntispamHeaders.Parse(Field("X-Forefront-Antispam-Report", $" {key.ToLowerInvariant()} : {value} ;"), "m.eml", warnings));
        Assert.Empty(warnings);
        Assert.Equal(key, field.Key); // documented spelling, whatever the case and spacing
        Assert.StartsWith(meaning, field.Meaning, StringComparison.Ordinal);
    }

    [Fact]
    public void Untrusted_copies_are_decoded_but_do_not_set_the_verdict()
    {
        var warnings = new List<string>();
        var fields = new List<HeaderField>
        {
            new("X-Forefront-Antispam-Report-Untrusted", "SCL:9;SFV:SPM;", 1),
            new("X-Forefront-Antispam-Report", "SCL:1;SFV:NSPM;", 2),
        };
        var r = MessageHeaderReports.Build(fields, "m.eml", warnings);
        Assert.Equal((1, "NSPM"), (r.Scl, r.Sfv));
        Assert.Equal(4, r.Antispam.Length);
        Assert.Equal("Marked as spam by spam filtering", r.Antispam[1].Meaning);
    }

    [Fact]
    public void Real_Exchange_Online_headers_of_the_corpus()
    {
        var bounce = Path.Combine(Corpus, "jstedfast-MimeKit", "UnitTests__TestData__messages__bounce.txt");
        Assert.True(File.Exists(bounce), $"The shared corpus is missing at {bounce}.");
        var (r, warnings) = Report(bounce);
        Assert.Empty(warnings);
        Assert.Equal((-1, "NSPM", "NONE", 0, "DE", "185.132.181.12"), (r.Scl, r.Sfv, r.Cat, r.Bcl, r.Country, r.ClientIp));
        Assert.Equal("Spam filtering skipped: the source IP address is in the IP Allow List", r.Antispam.Single(f => f.Key == "IPV").Meaning);
        Assert.Equal(("none", "none", "fail", "softpass", "202"), (r.Spf, r.Dkim, r.Dmarc, r.CompAuth, r.CompAuthReason));
        Assert.Equal("dispatchb-eu1.ppe-hosted.com", r.Authentication.Single(a => a.Method == "spf").Identity); // smtp.helo
        Assert.Equal("hmail.jitbit.com", r.Authentication.Single(a => a.Method == "dmarc").Identity);
        Assert.Equal("Inbox", r.Antispam.Single(f => f.Key == "dest").Meaning);

        var issue358 = Path.Combine(Corpus, "jstedfast-MimeKit", "UnitTests__TestData__messages__issue358.txt");
        var (o, _) = Report(issue358);
        Assert.Equal((1, "NSPM", "OUT", 0), (o.Scl, o.Sfv, o.Direction, o.Bcl));
        Assert.Equal(("none", "jang.selca.tubi@linux.selca"), (o.Spf, o.Authentication.Single().Identity));
    }

    [Fact]
    public void Every_Authentication_Results_of_the_corpus_is_read_without_failing()
    {
        Assert.True(Directory.Exists(Corpus), $"The shared corpus is missing at {Corpus}.");
        int headers = 0, results = 0, messages = 0;
        var methods = new HashSet<string>();
        foreach (var file in Directory.EnumerateFiles(Corpus, "*", SearchOption.AllDirectories))
        {
            if (file.EndsWith(".md", StringComparison.Ordinal) || file.EndsWith(".tsv", StringComparison.Ordinal))
            {
                continue;
            }

            messages++;
            var outcomes = MessageHeaderReports.Run(new[] { MimeInput.FromPath(file) }).ToList();
            var report = Assert.Single(outcomes, o => o.Kind == OutcomeKind.Result).Value!;
            using var reader = new StreamReader(file);
            headers += HeaderSection.Read(reader).Count(f => AuthenticationResults.IsAuthenticationHeader(f.Name));
            results += report.Authentication.Length;
            methods.UnionWith(report.Authentication.Select(a => a.Method));
        }

        Assert.True(messages > 300, $"only {messages} corpus files");
        Assert.True(headers >= 25, $"only {headers} Authentication-Results headers");
        Assert.True(results >= headers, $"{results} results from {headers} headers");
        Assert.Superset(new HashSet<string> { "spf", "dkim", "dmarc", "arc" }, methods);
    }

    [Theory]
    [InlineData("spf-fail", "Authentication-Results: spf=fail smtp.mailfrom=a.test", "Authentication-Results: spf=softfail smtp.mailfrom=a.test")]
    [InlineData("dkim-fail", "Authentication-Results: dkim=fail header.d=a.test", "Authentication-Results: dkim=pass header.d=a.test")]
    [InlineData("dmarc-fail", "Authentication-Results: dmarc=fail action=none header.from=a.test", "Authentication-Results: dmarc=bestguesspass action=none header.from=a.test")]
    [InlineData("compauth-fail", "Authentication-Results: compauth=fail reason=000", "Authentication-Results: compauth=softpass reason=202")]
    [InlineData("spam", "X-Forefront-Antispam-Report: SFV:SPM;", "X-Forefront-Antispam-Report: SFV:NSPM;")]
    [InlineData("spam-before-filtering", "X-Forefront-Antispam-Report: SFV:SKS;", "X-Forefront-Antispam-Report: SFV:SKN;")]
    [InlineData("blocked-sender", "X-Forefront-Antispam-Report: SFV:BLK;", "X-Forefront-Antispam-Report: SFV:SKA;")]
    [InlineData("safe-sender", "X-Forefront-Antispam-Report: SFV:SFE;", "X-Forefront-Antispam-Report: SFV:SKA;")]
    [InlineData("filtering-skipped", "X-Forefront-Antispam-Report: SFV:SKI;", "X-Forefront-Antispam-Report: SFV:SKN;")]
    [InlineData("released", "X-Forefront-Antispam-Report: SFV:SKQ;", "X-Forefront-Antispam-Report: SFV:NSPM;")]
    [InlineData("ip-allow-list", "X-Forefront-Antispam-Report: IPV:CAL;", "X-Forefront-Antispam-Report: IPV:NLI;")]
    [InlineData("bulk-complaints", "X-Microsoft-Antispam: BCL:6;", "X-Microsoft-Antispam: BCL:5;")]
    [InlineData("spam-in-inbox", "X-Forefront-Antispam-Report: SFV:SPM;\nX-Microsoft-Antispam-Mailbox-Delivery: dest:I;", "X-Forefront-Antispam-Report: SFV:SPM;\nX-Microsoft-Antispam-Mailbox-Delivery: dest:J;")]
    [InlineData("clean-in-junk", "X-Forefront-Antispam-Report: SFV:NSPM;\nX-Microsoft-Antispam-Mailbox-Delivery: dest:J;", "X-Forefront-Antispam-Report: SFV:NSPM;\nX-Microsoft-Antispam-Mailbox-Delivery: dest:I;")]
    [InlineData("custom-folder", "X-Forefront-Antispam-Report: SFV:NSPM;\nX-Microsoft-Antispam-Mailbox-Delivery: dest:C;", "X-Microsoft-Antispam-Mailbox-Delivery: dest:C;")]
    public void Each_finding_rule_fires_on_its_case_and_not_on_a_near_miss(string id, string fires, string silent)
    {
        var rule = Assert.Single(HeaderFindings.Rules, r => r.Id == id);
        MessageHeaderReport Of(string headers)
        {
            using var reader = new StringReader(headers + "\n\n");
            var warnings = new List<string>();
            var report = MessageHeaderReports.Build(HeaderSection.Read(reader), "m.eml", warnings);
            Assert.Empty(warnings);
            return report;
        }

        Assert.Contains(rule.Text, Of(fires).Findings);
        Assert.DoesNotContain(rule.Text, Of(silent).Findings);
    }
}
