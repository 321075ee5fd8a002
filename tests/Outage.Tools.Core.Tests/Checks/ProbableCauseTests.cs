using Outage.Tools.Core.Checks;
using Xunit;

namespace Outage.Tools.Core.Tests.Checks;

/// <summary>The probable-cause rules on recorded result sets: each rule with a set where it holds and one where it does not.</summary>
public sealed class ProbableCauseTests
{
    private static readonly DateTimeOffset T = new(2026, 11, 30, 6, 0, 0, TimeSpan.Zero);

    private static OutageCheckResult R(CheckArea area, string target, string check, CheckStatus status, string summary = "x",
        string? detail = null, IEnumerable<string>? evidence = null, double? value = null) =>
        new(area, target, check, status, summary, detail, evidence, T, computerName: "mx1", value: value);

    private static List<OutageCheckResult> DnsOutage() => new()
    {
        R(CheckArea.Dns, "contoso.com", "mx-present", CheckStatus.Error, "The MX lookup failed: 192.0.2.53 did not answer"),
        R(CheckArea.Dns, "contoso.com", "spf-present", CheckStatus.Error),
        R(CheckArea.Endpoint, "https://mail.contoso.com/owa/", "owa", CheckStatus.Fail, "The name 'mail.contoso.com' does not resolve: …",
            "1. GET https://mail.contoso.com/owa/ → no answer [DnsLookup] …", new[] { "HTTP 0 NameNotResolved" }),
        R(CheckArea.Endpoint, "https://mail.contoso.com/Microsoft-Server-ActiveSync", "activesync", CheckStatus.Fail, "The name 'mail.contoso.com' does not resolve", "[DnsLookup]"),
        R(CheckArea.Endpoint, "someone@contoso.com", "autodiscover", CheckStatus.Fail, "No Autodiscover endpoint answered for contoso.com",
            "1 RootDomain: POST https://contoso.com/autodiscover/autodiscover.xml → The name 'contoso.com' does not resolve"),
        R(CheckArea.Endpoint, "https://mail.fabrikam.com/owa/", "owa", CheckStatus.Fail, "The name 'mail.fabrikam.com' does not resolve", "[DnsLookup]"),
    };

    [Fact]
    public void Endpoints_failing_at_DnsLookup_while_their_zone_fails_blame_DNS_and_name_what_it_takes_down()
    {
        var cause = Assert.Single(ProbableCauseRules.Derive(DnsOutage()));
        Assert.Equal("dns-takes-endpoints-down", cause.Rule);
        Assert.Equal(CheckArea.Dns, cause.Layer);
        Assert.Equal("DNS for contoso.com is failing; OWA, ActiveSync and Autodiscover are down because of it.", cause.Statement);
        // It rests on the zone's results and the three endpoints in it, not on fabrikam's.
        Assert.Equal(5, cause.RestsOn.Count);
        Assert.Contains("Endpoint https://mail.contoso.com/owa/ owa: Fail", cause.RestsOn);
        Assert.DoesNotContain(cause.RestsOn, r => r.Contains("fabrikam", StringComparison.Ordinal));
    }

    [Fact]
    public void Endpoints_down_for_another_reason_or_a_healthy_zone_are_not_blamed_on_DNS()
    {
        var healthyZone = DnsOutage().Where(r => r.Area != CheckArea.Dns).Append(R(CheckArea.Dns, "contoso.com", "mx-present", CheckStatus.Pass)).ToList();
        Assert.Empty(ProbableCauseRules.Derive(healthyZone));
        var refused = new List<OutageCheckResult>
        {
            R(CheckArea.Dns, "contoso.com", "mx-present", CheckStatus.Fail),
            R(CheckArea.Endpoint, "https://mail.contoso.com/owa/", "owa", CheckStatus.Fail, "Connection refused", "[Connect] refused"),
        };
        Assert.Empty(ProbableCauseRules.Derive(refused));
    }

    private static List<OutageCheckResult> Backlog(double rate, string reason, int poison) => new()
    {
        R(CheckArea.Queue, "postfix:/etc/postfix", "queue-size", CheckStatus.Warn, "265 queued", null,
            new[] { $"reason: {reason} (265 messages)", "next hop: [10.0.0.5]:25 (290 recipients)", "destination: contoso.com (120 recipients)" }, 265),
        R(CheckArea.Queue, "postfix:/etc/postfix", "queue-growth", rate > 1 ? CheckStatus.Warn : CheckStatus.Pass, "Backlog", value: rate),
        R(CheckArea.Mime, "postfix:/etc/postfix", "poison-messages", poison > 0 ? CheckStatus.Fail : CheckStatus.Pass, "poison", value: poison),
        R(CheckArea.Mime, "/var/spool/badmail", "poison-messages", CheckStatus.Fail, "poison", value: 3),
    };

    [Fact]
    public void A_growing_queue_refused_by_its_next_hop_blames_the_next_hop()
    {
        var causes = ProbableCauseRules.Derive(Backlog(16, "connect to 10.0.0.5[10.0.0.5]:25: Connection refused", 0));
        var cause = Assert.Single(causes);
        Assert.Equal("next-hop-refuses", cause.Rule);
        Assert.Equal("Next hop [10.0.0.5]:25 refuses connections; the queue postfix:/etc/postfix grows +16/min (265 messages).", cause.Statement);
        Assert.Equal(new[] { "Queue postfix:/etc/postfix queue-size: Warn", "Queue postfix:/etc/postfix queue-growth: Warn" }, cause.RestsOn);
    }

    [Fact]
    public void The_mail_log_refusing_the_same_host_says_since_when_and_another_host_in_it_is_not_taken()
    {
        var since = new DateTimeOffset(2026, 11, 30, 5, 12, 0, TimeSpan.Zero);
        OutageCheckResult Log(string reason) => R(CheckArea.Log, "mx1", "deferral-rate", CheckStatus.Fail, "deferrals", null,
            new[] { "window: …", $"reason: 700 × {reason} (in the window from …)" }, 12.5).WithSince(since);
        var results = Backlog(16, "connect to 10.0.0.5[10.0.0.5]:25: Connection refused", 0);
        results.Add(Log("delivery temporarily suspended: connect to 10.0.0.5[10.0.0.5]:25: Connection refused"));
        var cause = Assert.Single(ProbableCauseRules.Derive(results));
        Assert.Equal("Next hop [10.0.0.5]:25 refuses connections; the queue postfix:/etc/postfix grows +16/min (265 messages). The mail log mx1 shows 12.5 deferrals/min for it since 2026-11-30 05:12 UTC.", cause.Statement);
        Assert.Contains("Log mx1 deferral-rate: Fail", cause.RestsOn);

        results = Backlog(16, "connect to 10.0.0.5[10.0.0.5]:25: Connection refused", 0);
        results.Add(Log("connect to 10.0.0.9[10.0.0.9]:25: Connection refused"));
        Assert.Equal(2, Assert.Single(ProbableCauseRules.Derive(results)).RestsOn.Count);
    }

    [Fact]
    public void A_growing_queue_holding_poison_blames_the_malformed_messages_and_a_stable_one_blames_nothing()
    {
        var cause = Assert.Single(ProbableCauseRules.Derive(Backlog(16, "conversation with x timed out", 12)));
        Assert.Equal("poison-stalls-queue", cause.Rule);
        Assert.StartsWith("Malformed messages are stalling delivery to [10.0.0.5]:25: 12 poison messages in postfix:/etc/postfix", cause.Statement, StringComparison.Ordinal);
        Assert.Contains("Mime postfix:/etc/postfix poison-messages: Fail", cause.RestsOn);
        // Not growing: no cause from the queue, even with poison in it and the next hop refusing.
        Assert.Empty(ProbableCauseRules.Derive(Backlog(0, "connect to 10.0.0.5[10.0.0.5]:25: Connection refused", 12)));
    }

    [Fact]
    public void Every_rule_has_an_id_and_a_description()
    {
        Assert.Equal(4, ProbableCauseRules.All.Count);
        Assert.All(ProbableCauseRules.All, r => Assert.False(string.IsNullOrWhiteSpace(r.Description)));
        Assert.Equal(ProbableCauseRules.All.Count, ProbableCauseRules.All.Select(r => r.Id).Distinct().Count());
    }

    [Fact]
    public void An_interruption_Microsoft_reports_is_the_providers_outage()
    {
        var results = new List<OutageCheckResult>
        {
            R(CheckArea.ServiceHealth, "Exchange Online", "service-health", CheckStatus.Fail,
                "Exchange Online reports incident EX123456 since 2026-11-30 09:12 UTC: Users can't access their mailbox"),
            R(CheckArea.ServiceHealth, "Microsoft Teams", "service-health", CheckStatus.Pass, "Microsoft Teams: serviceOperational, no open issue."),
        };
        var cause = Assert.Single(ProbableCauseRules.Derive(results));
        Assert.Equal("provider-reports-issue", cause.Rule);
        Assert.Equal(CheckArea.ServiceHealth, cause.Layer);
        Assert.Equal("Exchange Online reports incident EX123456 since 2026-11-30 09:12 UTC: this is the provider's outage (Users can't access their mailbox).", cause.Statement);
        Assert.Equal(new[] { "ServiceHealth Exchange Online service-health: Fail" }, cause.RestsOn);
    }

    [Fact]
    public void A_degraded_status_without_an_open_issue_states_no_provider_cause()
    {
        var results = new List<OutageCheckResult>
        {
            R(CheckArea.ServiceHealth, "Exchange Online", "service-health", CheckStatus.Warn, "Exchange Online: serviceDegradation, no open issue."),
        };
        Assert.Empty(ProbableCauseRules.Derive(results));
    }
}
