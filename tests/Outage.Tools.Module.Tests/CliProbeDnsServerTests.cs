using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Outage.Tools.Tests.Dns;
using Xunit;

namespace Outage.Tools.Module.Tests;

/// <summary>`outage probe … --dns-server`: names resolved through a chosen (real BIND) server by our DNS client.</summary>
[Collection(BindCollection.Name)]
public sealed class CliProbeDnsServerTests
{
    private readonly BindFixture _bind;

    public CliProbeDnsServerTests(BindFixture bind) => _bind = bind;

    [Fact]
    public void A_name_only_the_chosen_server_knows_is_resolved_and_probed()
    {
        // mail.example.test exists only in the BIND fixture's zone: resolving it proves the chosen server was asked.
        var port = ClosedPort();
        var r = CliProcess.Run("probe", "smtp", $"mail.example.test:{port}", "--dns-server", _bind.Ns1, "--timeout", "5", "--format", "json");
        Assert.Equal(1, r.ExitCode);
        using var doc = JsonDocument.Parse(r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Single());
        var summary = doc.RootElement.GetProperty("summary").GetString() + " " + doc.RootElement.GetProperty("outcome").GetString();
        Assert.DoesNotContain("NameNotResolved", summary, StringComparison.Ordinal);
        Assert.Contains("127.0.0.1", r.Stdout, StringComparison.Ordinal); // the address BIND gave, then refused
    }

    [Fact]
    public void A_name_the_chosen_server_does_not_know_fails_in_the_dns_phase_naming_the_server()
    {
        var r = CliProcess.Run("probe", "smtp", "nope.example.test:25", "--dns-server", _bind.Ns1, "--timeout", "5", "--format", "json");
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("NameNotResolved", r.Stdout, StringComparison.Ordinal);
        Assert.Contains(_bind.Ns1, r.Stdout, StringComparison.Ordinal);
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
