using System.Net;
using System.Net.Sockets;
using System.Reflection;
using Outage.Tools.Core.Checks;
using Outage.Tools.Core.Operations;
using Xunit;

namespace Outage.Tools.Tests.Dns;

/// <summary>The outage check end to end against real servers: BIND for the DNS checks, a closed SMTP port, and the sample queue and messages.</summary>
[Collection(BindCollection.Name)]
public sealed class OutageCheckAgainstBindTests
{
    private readonly BindFixture _bind;

    public OutageCheckAgainstBindTests(BindFixture bind) => _bind = bind;

    [Fact]
    public void Every_area_reports_the_expected_status()
    {
        var root = typeof(OutageCheckAgainstBindTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().First(a => a.Key == "RepoRoot").Value!;
        var c = OutageCheckConfiguration.Load(Path.Combine(root, "samples", "outage-check.psd1"));
        // The sample's own DNS and endpoint story (contoso.com on dead loopback name servers) is replaced by BIND's zones.
        c.Domains.Clear();
        c.DnsServers.Clear();
        c.OwaUris.Clear();
        c.ActiveSyncUris.Clear();
        c.AutodiscoverAddresses.Clear();
        c.Domains.Add("good.mail.test");
        c.Domains.Add("bad.mail.test");
        c.DnsServers.Add(_bind.Ns1);
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var closedPort = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop(); // nothing listens there any more: connection refused
        c.SmtpHosts.Add($"127.0.0.1:{closedPort}");
        c.Thresholds.DnsResponseWarnMilliseconds = 60_000; // statuses, not speed, are asserted here

        var results = OutageCheckRunner.Run(new OutageCheckRequest(c, OutageCheckProviders.Default()), null, CancellationToken.None)
            .Where(o => o.Kind == OutcomeKind.Result).Select(o => o.Value!).ToList();

        Assert.Equal(CheckStatus.Warn, results.Single(r => r.Check == "queue-size").Status);
        Assert.Equal(CheckStatus.Fail, results.Single(r => r.Check == "poison-messages").Status);
        var good = results.Where(r => r.Area == CheckArea.Dns && r.Target == "good.mail.test").ToList();
        Assert.NotEmpty(good);
        Assert.All(good, r => Assert.True(r.Status == CheckStatus.Pass, $"{r.Check}: {r.Status} {r.Summary}"));
        var bad = results.Where(r => r.Area == CheckArea.Dns && r.Target == "bad.mail.test").ToList();
        Assert.Equal(CheckStatus.Fail, bad.Single(r => r.Check == "spf-all").Status);
        Assert.Equal(CheckStatus.Fail, bad.Single(r => r.Check == "mx-target").Status);
        var smtp = results.Single(r => r.Area == CheckArea.Endpoint && r.Check == "smtp");
        Assert.Equal(CheckStatus.Fail, smtp.Status);
        Assert.DoesNotContain(results, r => r.Status == CheckStatus.Error);
    }
}
