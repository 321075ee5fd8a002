using System.Diagnostics;
using System.Globalization;
using Outage.Tools.Core.Endpoints;
using Xunit;
using Xunit.Abstractions;

namespace Outage.Tools.Core.Tests.Endpoints;

/// <summary>
/// Our phase timings against an independent measurement: curl -w on the same Kestrel server. curl's times are
/// cumulative (connect, appconnect, starttransfer, total); ours are per phase. Only the order and the presence
/// of each phase are asserted, never durations; the figures are written to the test output.
/// </summary>
public sealed class CurlConsistencyTests : IClassFixture<ExchangeFrontEnd>
{
    private readonly ExchangeFrontEnd _fe;
    private readonly ITestOutputHelper _output;

    public CurlConsistencyTests(ExchangeFrontEnd fe, ITestOutputHelper output)
    {
        _fe = fe;
        _output = output;
    }

    [Fact]
    public void Phases_agree_with_curl_on_the_same_server()
    {
        var curl = new[] { "/usr/bin/curl", "/usr/local/bin/curl" }.FirstOrDefault(File.Exists);
        Assert.True(curl is not null, "curl is not installed: run 'bash tests/peers/install.sh' as root (apt-get install curl).");
        var ca = Path.Combine(Path.GetTempPath(), $"outage-ca-{Guid.NewGuid():N}.pem");
        File.WriteAllText(ca, _fe.Pki.CaPem());
        try
        {
            var url = _fe.Url("mail.contoso.test", "/owa/auth/logon.aspx");
            var psi = new ProcessStartInfo(curl!)
            {
                RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
                ArgumentList =
                {
                    "-s", "-o", "/dev/null", "--max-time", "10", "--cacert", ca, "--resolve", $"mail.contoso.test:{_fe.Port}:127.0.0.1",
                    "-w", "%{http_code} %{time_connect} %{time_appconnect} %{time_starttransfer} %{time_total}", url,
                },
            };
            using var p = Process.Start(psi)!;
            var text = p.StandardOutput.ReadToEnd();
            Assert.True(p.WaitForExit(15000), "curl did not finish");
            var f = text.Split(' ').Select(s => double.Parse(s, CultureInfo.InvariantCulture)).ToArray();
            Assert.Equal(200, (int)f[0]);
            double connect = f[1] * 1000, app = f[2] * 1000, start = f[3] * 1000, total = f[4] * 1000;

            var r = HttpEndpointProbe.TestOwa(_fe.Request(url)).Single().Value!;
            Assert.Equal(200, r.StatusCode);
            var t = r.Timings;
            var ours = (connect: t.DnsLookupMs!.Value + t.ConnectMs!.Value, app: 0.0, start: 0.0, total: t.TotalMs);
            ours.app = ours.connect + t.TlsHandshakeMs!.Value;
            ours.start = ours.app + t.FirstByteMs!.Value;
            _output.WriteLine($"curl  connect {connect:0.000} appconnect {app:0.000} starttransfer {start:0.000} total {total:0.000} ms");
            _output.WriteLine($"ours  connect {ours.connect:0.000} +tls {ours.app:0.000} +firstbyte {ours.start:0.000} total {ours.total:0.000} ms");

            // Same shape: each phase present and in the same order on both sides.
            Assert.True(connect <= app && app <= start && start <= total);
            Assert.True(ours.connect <= ours.app && ours.app <= ours.start && ours.start <= ours.total + 0.01);
            Assert.True(t.TlsHandshakeMs > 0 && app - connect > 0, "both see a TLS phase");
            Assert.True(t.FirstByteMs > 0 && start - app > 0, "both see a wait for the first byte");
        }
        finally
        {
            File.Delete(ca);
        }
    }
}
