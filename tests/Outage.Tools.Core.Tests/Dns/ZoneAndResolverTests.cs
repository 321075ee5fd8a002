using Outage.Tools.Core;
using Outage.Tools.Core.Dns;
using Outage.Tools.Core.Operations;
using Outage.Tools.Tests.Dns;
using Xunit;

namespace Outage.Tools.Core.Tests.Dns;

/// <summary>Test-DnsZoneConsistency and Compare-DnsResolver against two real BIND instances with different serials.</summary>
[Collection(BindCollection.Name)]
public sealed class ZoneAndResolverTests
{
    private readonly BindFixture _bind;

    public ZoneAndResolverTests(BindFixture bind) => _bind = bind;

    private List<DnsCheckResult> Zone(params string[] nameServers)
    {
        var request = new ZoneConsistencyRequest { Zone = "example.test", Timeout = TimeSpan.FromMilliseconds(500), Retry = 1 };
        foreach (var s in nameServers)
        {
            request.NameServers.Add(s);
        }

        request.Names.Add("mail.example.test");
        request.Names.Add("changed.example.test");
        var outcomes = ZoneConsistencyCheck.Run(request).ToList();
        Assert.All(outcomes, o => Assert.Equal(OutcomeKind.Result, o.Kind));
        return outcomes.Select(o => o.Value!).ToList();
    }

    [Fact]
    public void Two_servers_with_different_serials_fail_serial_consistency()
    {
        var r = Zone(_bind.Ns1, _bind.Ns2);
        Assert.All(r, x => Assert.Contains(x.Check, ZoneConsistencyCheck.CheckIds));
        Assert.Equal(DnsCheckStatus.Pass, r.Single(x => x.Check == "ns-reachable").Status);
        Assert.Equal(DnsCheckStatus.Pass, r.Single(x => x.Check == "ns-authoritative").Status);
        var serial = r.Single(x => x.Check == "soa-serial-consistent");
        Assert.Equal(DnsCheckStatus.Fail, serial.Status);
        Assert.Contains("2024010101", serial.Summary);
        Assert.Contains("2024010199", serial.Summary);
        Assert.Equal(DnsCheckStatus.Pass, r.Single(x => x.Check == "ns-set-consistent").Status);
        var answers = r.Where(x => x.Check == "answer-consistent").ToList();
        Assert.Equal(DnsCheckStatus.Pass, answers.Single(x => x.Summary.StartsWith("mail.", StringComparison.Ordinal)).Status);
        Assert.Equal(DnsCheckStatus.Fail, answers.Single(x => x.Summary.StartsWith("changed.", StringComparison.Ordinal)).Status);
        Assert.Equal(DnsCheckStatus.Pass, r.Single(x => x.Check == "edns").Status);
        Assert.Equal(DnsCheckStatus.Warn, r.Single(x => x.Check == "soa-timers").Status);
    }

    [Fact]
    public void Servers_are_found_through_the_ns_records_and_asked_on_port_53()
    {
        // No -NameServer: the resolver (here the first server itself) gives NS ns1/ns2.disc.test and their
        // addresses; each is then asked directly on port 53, as a real zone's servers would be.
        var (first, second) = _bind.DiscoveryServers();
        var request = new ZoneConsistencyRequest { Zone = "disc.test", Timeout = TimeSpan.FromSeconds(2), Retry = 0 };
        request.Servers.Add(first);
        request.Names.Add("www.disc.test");
        var r = ZoneConsistencyCheck.Run(request).Select(o => o.Value!).ToList();

        var reach = r.Single(x => x.Check == "ns-reachable");
        Assert.Equal(DnsCheckStatus.Pass, reach.Status);
        Assert.Contains("disc.test. NS ns1.disc.test.", reach.Evidence);
        Assert.Contains("disc.test. NS ns2.disc.test.", reach.Evidence);
        Assert.Contains(reach.Evidence, e => e.Contains($"ns1.disc.test ({first})", StringComparison.Ordinal));
        Assert.Contains(reach.Evidence, e => e.Contains($"ns2.disc.test ({second})", StringComparison.Ordinal));
        var auth = r.Single(x => x.Check == "ns-authoritative");
        Assert.True(auth.Status == DnsCheckStatus.Pass, $"{auth.Summary} {string.Join("; ", auth.Evidence)}");
        var serial = r.Single(x => x.Check == "soa-serial-consistent");
        Assert.Equal(DnsCheckStatus.Fail, serial.Status);
        Assert.Contains($"5 on ns1.disc.test ({first})", serial.Summary, StringComparison.Ordinal);
        Assert.Contains($"6 on ns2.disc.test ({second})", serial.Summary, StringComparison.Ordinal);
        Assert.Equal(DnsCheckStatus.Fail, r.Single(x => x.Check == "answer-consistent").Status);
        Assert.Equal(DnsCheckStatus.Pass, r.Single(x => x.Check == "ns-set-consistent").Status);
    }

    [Fact]
    public void One_server_is_consistent_with_itself()
    {
        var r = Zone(_bind.Ns1);
        Assert.Equal(DnsCheckStatus.Pass, r.Single(x => x.Check == "soa-serial-consistent").Status);
        Assert.All(r.Where(x => x.Check == "answer-consistent"), x => Assert.Equal(DnsCheckStatus.Pass, x.Status));
    }

    [Fact]
    public void Unreachable_and_lame_servers_are_reported()
    {
        var request = new ZoneConsistencyRequest { Zone = "0.0.127.in-addr.arpa", Timeout = TimeSpan.FromMilliseconds(1500), Retry = 0 };
        request.NameServers.Add(_bind.Ns1);
        request.NameServers.Add(_bind.Ns2);
        request.NameServers.Add(_bind.Blackhole);
        var r = ZoneConsistencyCheck.Run(request).Select(o => o.Value!).ToList();
        var reach = r.Single(x => x.Check == "ns-reachable");
        Assert.Equal(DnsCheckStatus.Fail, reach.Status);
        Assert.Contains(_bind.Blackhole, reach.Summary);
        var auth = r.Single(x => x.Check == "ns-authoritative");
        Assert.Equal(DnsCheckStatus.Fail, auth.Status);
        Assert.Contains(_bind.Ns2, auth.Summary);
    }

    [Fact]
    public void Compare_shows_disagreement_and_failures_per_question()
    {
        var request = new ResolverComparisonRequest { Names = new[] { "mail.example.test", "changed.example.test", "example.test" }, Timeout = TimeSpan.FromSeconds(2), Retry = 0 };
        request.Types.Add(DnsRecordType.A);
        request.Types.Add(DnsRecordType.SOA);
        request.Servers.Add(_bind.Ns1);
        request.Servers.Add(_bind.Ns2);
        var rows = ResolverComparison.Run(request).Select(o => o.Value!).ToList();
        Assert.Equal(6, rows.Count);
        Assert.True(rows.Single(x => x.Name == "mail.example.test." && x.Type == DnsRecordType.A).Consistent);
        var changed = rows.Single(x => x.Name == "changed.example.test." && x.Type == DnsRecordType.A);
        Assert.False(changed.Consistent);
        Assert.Equal(new[] { "A 127.0.0.8" }, changed.Answers[0].Records);
        Assert.Equal(new[] { "A 127.0.0.9" }, changed.Answers[1].Records);
        Assert.False(rows.Single(x => x.Name == "example.test." && x.Type == DnsRecordType.SOA).Consistent);

        request.Servers.Add(_bind.Blackhole);
        var withDead = ResolverComparison.Run(request).Select(o => o.Value!).First();
        Assert.False(withDead.Consistent);
        Assert.Equal("Timeout", withDead.Answers[2].Status);
    }

    [Fact]
    public void Compare_without_servers_is_a_request_error()
    {
        var ex = Assert.Throws<OutageException>(() => ResolverComparison.Run(new ResolverComparisonRequest { Names = new[] { "x.test" } }).ToList());
        Assert.Equal(ErrorIds.DnsNoServer, ex.Error.ErrorId);
    }
}
