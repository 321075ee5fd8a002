using System.Diagnostics;
using Outage.Tools.Core.Checks;
using Outage.Tools.Core.Operations;
using Outage.Tools.Core.Tests.Endpoints;
using Outage.Tools.Tests.Dns;
using Xunit;

namespace Outage.Tools.Core.Tests.Checks;

/// <summary>
/// The probable cause "DNS takes the endpoints down" end to end against real servers: a BIND 9 of our own serves the
/// zone contoso.test (every name in it is a loopback address; the Autodiscover SRV record points at the front end's
/// port) and the Kestrel Exchange front end answers OWA, ActiveSync and Autodiscover. The outage check is configured
/// with that zone's server and the zone's endpoint names, as an administrator would. While BIND answers, the
/// endpoints pass and no cause is stated; once the zone's server stops answering (its process is killed), one run
/// of the check states the cause and names the results it rests on.
/// </summary>
public sealed class ProbableCauseEndToEndTests : IClassFixture<ExchangeFrontEnd>, IDisposable
{
    private readonly ExchangeFrontEnd _frontEnd;
    private readonly string _work;
    private readonly int _dnsPort;
    private readonly Process _named;

    public ProbableCauseEndToEndTests(ExchangeFrontEnd frontEnd)
    {
        _frontEnd = frontEnd;
        var named = BindFixture.FindNamed() ?? throw new InvalidOperationException(
            "BIND 9 'named' is not installed. Install it with: apt-get install bind9 bind9-utils bind9-dnsutils (or run tests/peers/install.sh as root).");
        _work = Path.Combine(Path.GetTempPath(), "outage-cause-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_work);
        var zone = Path.Combine(_work, "contoso.test.zone");
        // Only loopback addresses: the probes never leave this machine. No apex or autodiscover.contoso.test address, so
        // Autodiscover's steps 1-3 find no host and step 4 (SRV) leads to the front end on its own port.
        File.WriteAllText(zone, $"""
            $TTL 300
            @ IN SOA ns1.contoso.test. hostmaster.contoso.test. 1 3600 600 86400 300
            @ IN NS ns1.contoso.test.
            ns1 IN A 127.0.0.1
            @ IN MX 10 mail.contoso.test.
            @ IN TXT "v=spf1 mx -all"
            _dmarc IN TXT "v=DMARC1; p=reject; rua=mailto:dmarc@contoso.test"
            mail IN A 127.0.0.1
            _autodiscover._tcp IN SRV 0 0 {frontEnd.Port} mail.contoso.test.

            """);
        _dnsPort = BindFixture.FreePort();
        _named = BindFixture.Launch(named, Path.Combine(_work, "ns"), "contoso", _dnsPort, "recursion no;",
            $$"""zone "contoso.test" { type primary; file "{{zone}}"; };""");
        File.WriteAllText(Path.Combine(_work, "ca.pem"), frontEnd.Pki.CaPem());
    }

    private OutageCheckConfiguration Configuration()
    {
        var c = new OutageCheckConfiguration { TrustedRootCertificate = Path.Combine(_work, "ca.pem") };
        c.Domains.Add("contoso.test");
        c.DnsServers.Add($"127.0.0.1:{_dnsPort}");
        c.OwaUris.Add(_frontEnd.Url("mail.contoso.test", "/owa/"));
        c.ActiveSyncUris.Add(_frontEnd.Url("mail.contoso.test", "/Microsoft-Server-ActiveSync"));
        c.AutodiscoverAddresses.Add("user@contoso.test");
        // Statuses, not speed, are asserted: a loaded machine must not turn a slow answer into a Warn.
        c.Thresholds.DnsResponseWarnMilliseconds = 60_000;
        c.Thresholds.EndpointResponseWarnMilliseconds = 60_000;
        return c;
    }

    private static (List<OutageCheckResult> Results, IReadOnlyList<ProbableCause> Causes) Check(OutageCheckConfiguration c)
    {
        var outcomes = OutageCheckRunner.Run(new OutageCheckRequest(c, OutageCheckProviders.Default()), null, CancellationToken.None).ToList();
        var results = outcomes.Where(o => o.Kind == OutcomeKind.Result).Select(o => o.Value!).ToList();
        return (results, ProbableCauseRules.Derive(results));
    }

    private static string Show(IEnumerable<OutageCheckResult> results) =>
        string.Join("\n", results.Select(r => $"{r.Area} {r.Target} {r.Check}: {r.Status} {r.Summary} | {r.Detail}"));

    [Fact]
    public void A_zone_whose_servers_stop_answering_takes_OWA_ActiveSync_and_Autodiscover_down_and_the_check_says_so()
    {
        // BIND answers and the front end answers: every endpoint passes, the zone's MX is found, no DNS cause.
        var (healthy, healthyCauses) = Check(Configuration());
        var endpoints = healthy.Where(r => r.Area == CheckArea.Endpoint).ToList();
        Assert.Equal(new[] { "activesync", "autodiscover", "owa" }, endpoints.Select(r => r.Check).OrderBy(x => x, StringComparer.Ordinal));
        Assert.True(endpoints.All(r => r.Status == CheckStatus.Pass), Show(healthy));
        Assert.Contains("mail.contoso.test", endpoints.Single(r => r.Check == "autodiscover").Summary, StringComparison.Ordinal);
        Assert.Equal(CheckStatus.Pass, Assert.Single(healthy, r => r.Area == CheckArea.Dns && r.Check == "mx-present").Status);
        Assert.DoesNotContain(healthyCauses, c => c.Rule == "dns-takes-endpoints-down");

        // The zone's server stops answering: one run states the cause and what it rests on.
        _named.Kill();
        Assert.True(_named.WaitForExit(10_000), "named did not stop");
        var (outage, causes) = Check(Configuration());
        var cause = Assert.Single(causes, c => c.Rule == "dns-takes-endpoints-down");
        Assert.Equal("DNS for contoso.test is failing; OWA, ActiveSync and Autodiscover are down because of it.", cause.Statement);
        Assert.Equal(CheckArea.Dns, cause.Layer);
        // It rests on the zone's failing DNS results (the MX lookup among them) and on each endpoint, nothing else.
        var failedDns = outage.Where(r => r.Area == CheckArea.Dns && r.Status >= CheckStatus.Fail).ToList();
        Assert.Contains(failedDns, r => r.Check == "mx-present");
        var failedEndpoints = outage.Where(r => r.Area == CheckArea.Endpoint).ToList();
        Assert.Equal(3, failedEndpoints.Count);
        Assert.All(failedEndpoints, e => Assert.True(e.Status >= CheckStatus.Fail, Show(outage)));
        Assert.Equal(failedDns.Concat(failedEndpoints).Select(r => $"{r.Area} {r.Target} {r.Check}: {r.Status}").OrderBy(x => x, StringComparer.Ordinal),
            cause.RestsOn.OrderBy(x => x, StringComparer.Ordinal));
    }

    public void Dispose()
    {
        try
        {
            if (!_named.HasExited)
            {
                _named.Kill();
                _named.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
        }

        _named.Dispose();
        try
        {
            Directory.Delete(_work, true);
        }
        catch (IOException)
        {
        }
    }
}
