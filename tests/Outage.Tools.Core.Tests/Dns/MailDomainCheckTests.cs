using Outage.Tools.Core.Dns;
using Outage.Tools.Core.Operations;
using Outage.Tools.Tests.Dns;
using Xunit;

namespace Outage.Tools.Core.Tests.Dns;

/// <summary>Test-MailDomain against the mail.test fixture zone on real BIND: domains built to pass and to fail each check.</summary>
[Collection(BindCollection.Name)]
public sealed class MailDomainCheckTests
{
    private readonly BindFixture _bind;

    public MailDomainCheckTests(BindFixture bind) => _bind = bind;

    private Dictionary<string, DnsCheckResult> Check(string domain, string? owa = null, params string[] selectors)
    {
        var request = new MailDomainRequest { Domains = new[] { domain }, OwaHost = owa, Retry = 2 };
        request.Servers.Add(_bind.Ns1);
        foreach (var s in selectors)
        {
            request.DkimSelectors.Add(s);
        }

        var outcomes = MailDomainCheck.Run(request).ToList();
        Assert.All(outcomes, o => Assert.Equal(OutcomeKind.Result, o.Kind));
        var results = outcomes.Select(o => o.Value!).ToList();
        Assert.All(results, r =>
        {
            Assert.Equal(domain, r.Target);
            Assert.Contains(r.Check, MailDomainCheck.CheckIds);
            Assert.False(string.IsNullOrWhiteSpace(r.Summary));
            Assert.Matches(@"RFC \d+|MS-OXDSCLI", r.Reference);
        });
        return results.Where(r => r.Check != "dkim-key").ToDictionary(r => r.Check) is var d && selectors.Length > 0
            ? d.Concat(results.Where(r => r.Check == "dkim-key").Select((r, i) => new KeyValuePair<string, DnsCheckResult>("dkim-key:" + selectors[i], r))).ToDictionary(k => k.Key, k => k.Value)
            : d;
    }

    [Fact]
    public void Good_domain_passes_every_check()
    {
        var r = Check("good.mail.test", "owa.good.mail.test", "sel1", "ed");
        var expected = MailDomainCheck.CheckIds.Where(c => c != "dkim-key").Concat(new[] { "dkim-key:sel1", "dkim-key:ed" });
        Assert.Equal(expected.OrderBy(x => x), r.Keys.OrderBy(x => x));
        Assert.All(r.Values, v => Assert.True(v.Status == DnsCheckStatus.Pass, $"{v.Check}: {v.Status} {v.Summary}"));
        Assert.Contains("2048 bits", r["dkim-key:sel1"].Summary);
        Assert.Contains(r["spf-present"].Evidence, e => e.Contains("v=spf1 mx include:_spf.good.mail.test -all"));
    }

    [Fact]
    public void Bad_domain_fails_each_check()
    {
        var r = Check("bad.mail.test", "nohost.bad.mail.test", "short", "revoked", "absent");
        foreach (var id in new[] { "mx-target", "spf-single", "spf-syntax", "spf-all", "dmarc-syntax", "dmarc-policy", "mta-sts", "tls-rpt", "owa-host", "dkim-key:short", "dkim-key:revoked", "dkim-key:absent" })
        {
            Assert.True(r[id].Status == DnsCheckStatus.Fail, $"{id}: {r[id].Status} {r[id].Summary}");
        }

        Assert.Contains("CNAME", r["mx-target"].Summary);
        Assert.Contains("address literal", r["mx-target"].Summary);
        Assert.Contains("no A or AAAA", r["mx-target"].Summary);
        Assert.Contains("+all", r["spf-all"].Summary);
        Assert.Contains("512 bits", r["dkim-key:short"].Summary);
        Assert.Contains("revoked", r["dkim-key:revoked"].Summary);
        Assert.Equal(DnsCheckStatus.Warn, r["autodiscover"].Status);
    }

    [Fact]
    public void Include_chain_over_the_limit_fails_spf_lookup_limit()
    {
        var r = Check("over.mail.test");
        Assert.Equal(DnsCheckStatus.Fail, r["spf-lookup-limit"].Status);
        Assert.StartsWith("12 DNS-querying terms", r["spf-lookup-limit"].Summary);
        Assert.Equal(DnsCheckStatus.Pass, r["spf-syntax"].Status);
    }

    [Fact]
    public void Include_loop_is_a_permerror_not_a_pass()
    {
        var r = Check("loop.mail.test");
        Assert.Equal(DnsCheckStatus.Fail, r["spf-lookup-limit"].Status);
        Assert.Contains("loop loop.mail.test → loopb.mail.test → loop.mail.test", r["spf-lookup-limit"].Summary, StringComparison.Ordinal);
        Assert.Contains("permerror", r["spf-lookup-limit"].Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void Three_void_lookups_fail_and_p_none_warns()
    {
        var r = Check("voids.mail.test");
        Assert.Equal(DnsCheckStatus.Fail, r["spf-void-lookups"].Status);
        Assert.StartsWith("3 void lookups", r["spf-void-lookups"].Summary);
        Assert.Equal(DnsCheckStatus.Warn, r["dmarc-policy"].Status);
        Assert.Equal(DnsCheckStatus.Pass, r["spf-lookup-limit"].Status);
    }

    [Fact]
    public void Null_mx_is_understood()
    {
        var r = Check("nullmx.mail.test");
        Assert.Equal(DnsCheckStatus.Pass, r["mx-present"].Status);
        Assert.Contains("Null MX", r["mx-present"].Summary);
        Assert.Equal(DnsCheckStatus.Pass, r["mx-target"].Status);
    }

    [Fact]
    public void Redirect_is_followed_for_all_and_srv_autodiscover_counts()
    {
        var r = Check("redirect.mail.test");
        Assert.Equal(DnsCheckStatus.Warn, r["spf-all"].Status);
        Assert.Contains("redirect", r["spf-all"].Summary);
        Assert.Equal(DnsCheckStatus.Pass, r["autodiscover"].Status);
        Assert.Contains("SRV", r["autodiscover"].Summary);
        Assert.Equal(DnsCheckStatus.Warn, r["dmarc-policy"].Status);
    }

    [Fact]
    public void Domain_without_mail_records_warns_on_mx_and_fails_spf_and_dmarc()
    {
        var r = Check("nomx.mail.test");
        Assert.Equal(DnsCheckStatus.Warn, r["mx-present"].Status);
        Assert.Equal(DnsCheckStatus.Fail, r["spf-present"].Status);
        Assert.Equal(DnsCheckStatus.Fail, r["dmarc-present"].Status);
    }

    [Fact]
    public void Subdomain_without_a_dmarc_record_is_governed_by_its_organizational_domain()
    {
        // RFC 7489 §6.6.3: no _dmarc.sub.good.mail.test → good.mail.test's record (p=reject, no sp) applies.
        var sub = Check("sub.good.mail.test");
        Assert.Equal(DnsCheckStatus.Pass, sub["dmarc-present"].Status);
        Assert.Contains("good.mail.test", sub["dmarc-present"].Summary);
        Assert.Contains(sub["dmarc-present"].Evidence, e => e.StartsWith("_dmarc.good.mail.test TXT", StringComparison.Ordinal));
        Assert.Equal(DnsCheckStatus.Pass, sub["dmarc-policy"].Status);
        Assert.Contains("reject", sub["dmarc-policy"].Summary);

        // Two levels down, and the organizational record's sp=none is what governs subdomains (RFC 7489 §6.3).
        var deep = Check("a.b.sporg.mail.test");
        Assert.Equal(DnsCheckStatus.Pass, deep["dmarc-present"].Status);
        Assert.Contains("sporg.mail.test", deep["dmarc-present"].Summary);
        Assert.Equal(DnsCheckStatus.Warn, deep["dmarc-policy"].Status);
        Assert.Contains("none", deep["dmarc-policy"].Summary);

        // The organizational domain itself uses p=, not sp=.
        Assert.Equal(DnsCheckStatus.Pass, Check("sporg.mail.test")["dmarc-policy"].Status);
    }

    [Theory]
    [InlineData("a.example.com", "example.com,com")]
    [InlineData("example.com", "com")]
    [InlineData("com", "")]
    [InlineData("1.2.3.4.5.6.7.8.9.example.com.", "5.6.7.8.9.example.com,6.7.8.9.example.com,7.8.9.example.com,8.9.example.com,9.example.com,example.com,com")]
    public void Dmarc_tree_walk_keeps_at_most_seven_labels_then_drops_one_at_a_time(string domain, string expected)
    {
        Assert.Equal(expected, string.Join(",", MailDomainCheck.DmarcAncestors(domain)));
    }

    [Fact]
    public void Unreachable_server_gives_error_status_not_a_hang()
    {
        var request = new MailDomainRequest { Domains = new[] { "good.mail.test" }, Timeout = TimeSpan.FromMilliseconds(200), Retry = 0 };
        request.Servers.Add(_bind.Blackhole);
        var results = MailDomainCheck.Run(request).Select(o => o.Value!).ToList();
        Assert.NotEmpty(results);
        Assert.All(results.Where(x => x.Check != "autodiscover"), x => Assert.Equal(DnsCheckStatus.Error, x.Status));
    }

    [Theory]
    [InlineData("v=spf1 -all", 0)]
    [InlineData("v=spf1 ip4:192.0.2.0/24 ip6:2001:db8::/32 a mx/24 a:x.test/24//64 ~all", 0)]
    [InlineData("v=spf1 ip4:192.0.2.0/33 -all", 1)]
    [InlineData("v=spf1 ip6:192.0.2.1 -all", 1)]
    [InlineData("v=spf1 include -all", 1)]
    [InlineData("v=spf1 redirect=a.test redirect=b.test", 1)]
    [InlineData("v=spf1 foo -all", 1)]
    [InlineData("v=spf1 exists:%{i}.bl.test -all", 0)]
    [InlineData("v=spf1 all:x", 1)]
    public void Spf_syntax(string text, int problems)
    {
        Assert.Equal(problems, SpfRecord.Parse(text).Problems.Count);
    }

    [Theory]
    [InlineData("v=DMARC1; p=reject", 0)]
    [InlineData("v=DMARC1; p=none; rua=mailto:a@b.test,mailto:c@d.test; fo=1:d; ri=3600", 0)]
    [InlineData("p=reject; v=DMARC1", 1)]
    [InlineData("v=DMARC1; adkim=x", 2)]
    [InlineData("v=DMARC1; p=reject; pct=101", 1)]
    [InlineData("v=DMARC1; p=reject; rua=a@b.test", 1)]
    public void Dmarc_syntax(string text, int problems)
    {
        Assert.Equal(problems, MailDomainCheck.ParseDmarc(text).Problems.Count);
    }
}
