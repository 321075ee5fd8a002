using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Xunit;

namespace Outage.Tools.Module.Tests;

/// <summary>End to end through the real `outage` binary: SMTP listeners of ours and a closed port, all on 127.0.0.1.</summary>
public sealed class CliProbeTests
{
    [Fact]
    public void Probe_smtp_json_against_a_5xx_banner_exits_1_with_the_finding()
    {
        using var server = new OneShotSmtp("554 5.3.2 cli.test No SMTP service here\r\n");
        var r = CliProcess.Run("probe", "smtp", $"127.0.0.1:{server.Port}", "--format", "json", "--timeout", "5");
        Assert.Equal(1, r.ExitCode);
        using var doc = JsonDocument.Parse(r.Stdout.Trim());
        Assert.Equal("Fail", doc.RootElement.GetProperty("status").GetString());
        Assert.Equal("BannerRejected", doc.RootElement.GetProperty("outcome").GetString());
        Assert.Equal(554, doc.RootElement.GetProperty("bannerCode").GetInt32());
    }

    [Fact]
    public void Probe_smtp_none_against_a_healthy_listener_exits_0()
    {
        using var server = new OneShotSmtp("220 cli.test ESMTP\r\n", "250-cli.test\r\n250-PIPELINING\r\n250 8BITMIME\r\n", "221 bye\r\n");
        var r = CliProcess.Run("probe", "smtp", $"127.0.0.1:{server.Port}", "--tls", "None", "--timeout", "5");
        Assert.True(r.ExitCode == 0, r.Stdout + r.Stderr);
        Assert.Contains("Ready", r.Stdout);
    }

    [Fact]
    public void Probe_owa_closed_port_exits_1_with_connect_failure()
    {
        int port;
        using (var l = new TcpListener(IPAddress.Loopback, 0))
        {
            l.Start();
            port = ((IPEndPoint)l.LocalEndpoint).Port;
        }

        var r = CliProcess.Run("probe", "owa", $"https://127.0.0.1:{port}/owa/", "--format", "json", "--timeout", "5");
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("\"outcome\":\"ConnectFailed\"", r.Stdout);
    }

    [Fact]
    public void Probe_bad_target_is_an_error_exit_2()
    {
        var r = CliProcess.Run("probe", "ews", "not a host", "--timeout", "5");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("error[EndpointTargetInvalid]", r.Stderr);
    }

    [Fact]
    public void Probe_help_lists_the_five_probes()
    {
        var r = CliProcess.Run("probe", "--help");
        foreach (var name in new[] { "owa", "activesync", "autodiscover", "ews", "smtp" })
        {
            Assert.Contains(name, r.Stdout);
        }
    }

    private sealed class OneShotSmtp : IDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly Task _task;

        public OneShotSmtp(params string[] replies)
        {
            _listener.Start();
            Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
            _task = Task.Run(async () =>
            {
                try
                {
                    using var client = await _listener.AcceptTcpClientAsync();
                    var s = client.GetStream();
                    var buffer = new byte[1024];
                    foreach (var reply in replies)
                    {
                        await s.WriteAsync(Encoding.ASCII.GetBytes(reply));
                        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                        if (await s.ReadAsync(buffer, cts.Token) == 0)
                        {
                            break;
                        }
                    }
                }
                catch (Exception)
                {
                }
            });
        }

        public int Port { get; }

        public void Dispose()
        {
            _listener.Stop();
            _task.Wait(TimeSpan.FromSeconds(15));
        }
    }
}
