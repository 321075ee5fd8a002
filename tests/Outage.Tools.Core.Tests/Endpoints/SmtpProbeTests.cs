using System.Net;
using System.Net.Sockets;
using System.Text;
using Outage.Tools.Core.Endpoints;
using Outage.Tools.Core.Operations;
using Xunit;

namespace Outage.Tools.Core.Tests.Endpoints;

public sealed class SmtpProbeTests : IClassFixture<PostfixFixture>
{
    private readonly PostfixFixture _postfix;

    public SmtpProbeTests(PostfixFixture postfix) => _postfix = postfix;

    private SmtpEndpointRequest Request(string target, Action<SmtpEndpointRequest>? configure = null)
    {
        var r = new SmtpEndpointRequest
        {
            TrustedRoot = _postfix.Pki.Ca, Resolver = new ExchangeFrontEnd.LoopbackResolver(), Timeout = TimeSpan.FromSeconds(10),
            HeloName = "probe.contoso.test",
        };
        r.Targets.Add(target);
        configure?.Invoke(r);
        return r;
    }

    private static SmtpEndpointResult Probe(SmtpEndpointRequest request)
    {
        var outcome = Assert.Single(SmtpProbe.Test(request).ToList());
        Assert.Equal(OutcomeKind.Result, outcome.Kind);
        return outcome.Value!;
    }

    [Fact]
    public void Postfix_starttls_passes_with_extensions_tls_facts_and_timings()
    {
        _postfix.EnsureRunning();
        var r = Probe(Request($"mail.contoso.test:{_postfix.Port}"));
        Assert.True(r.Status == ProbeStatus.Pass, r.Summary + "\n" + r.Detail);
        Assert.Equal("Ready", r.Outcome);
        Assert.Equal(220, r.BannerCode);
        Assert.StartsWith("mail.contoso.test ESMTP", r.Banner);
        Assert.True(r.StartTlsOffered);
        Assert.True(r.TlsEstablished);
        Assert.True(r.Pipelining);
        Assert.True(r.EightBitMime);
        Assert.True(r.SmtpUtf8);
        Assert.True(r.Chunking);
        Assert.Equal(20480000, r.SizeLimit);
        Assert.Contains(r.Extensions, e => e == "STARTTLS");
        Assert.DoesNotContain(r.ExtensionsAfterTls, e => e == "STARTTLS");
        var tls = r.Tls!;
        Assert.True(tls.ChainValid, tls.Reason);
        Assert.True(tls.NameMatches);
        Assert.StartsWith("Tls1", tls.Protocol);
        Assert.Contains("mail.contoso.test", tls.SubjectAlternativeNames);
        Assert.NotNull(r.Timings.ConnectMs);
        Assert.NotNull(r.Timings.BannerMs);
        Assert.NotNull(r.Timings.EhloMs);
        Assert.NotNull(r.Timings.TlsHandshakeMs);
        Assert.Contains("C: STARTTLS", r.Transcript);
        Assert.Equal("C: QUIT", r.Transcript.Last(l => l.StartsWith("C: ", StringComparison.Ordinal)));
    }

    [Fact]
    public void Envelope_probe_stops_at_rcpt_then_rset_and_quit_never_data()
    {
        _postfix.EnsureRunning();
        var r = Probe(Request($"127.0.0.1:{_postfix.Port}", q =>
        {
            q.Resolver = SystemHostResolver.Instance;
            q.From = "sender@contoso.test";
            q.To.Add("someone@fabrikam.test");
            q.To.Add("blocked@contoso.test");
            q.SkipCertificateCheck = false;
        }));
        Assert.Equal(ProbeStatus.Fail, r.Status);
        Assert.Equal("RecipientRejected", r.Outcome);
        Assert.Contains("blocked@contoso.test", r.Summary);
        Assert.Contains("550", r.Summary);
        Assert.StartsWith("250", r.MailFromReply);
        Assert.StartsWith("someone@fabrikam.test: 250", r.RcptToReplies[0]);
        Assert.DoesNotContain(r.Transcript, l => l.StartsWith("C: DATA", StringComparison.Ordinal));
        Assert.Contains("C: RSET", r.Transcript);
        Assert.NotNull(r.Timings.EnvelopeMs);
    }

    [Fact]
    public void Envelope_accepted_passes()
    {
        _postfix.EnsureRunning();
        var r = Probe(Request($"mail.contoso.test:{_postfix.Port}", q =>
        {
            q.From = string.Empty;
            q.To.Add("someone@fabrikam.test");
        }));
        Assert.Equal(ProbeStatus.Pass, r.Status);
        Assert.Equal("EnvelopeAccepted", r.Outcome);
        Assert.Contains("C: MAIL FROM:<>", r.Transcript);
    }

    [Fact]
    public void Postfix_certificate_without_the_private_root_fails()
    {
        _postfix.EnsureRunning();
        var r = Probe(Request($"mail.contoso.test:{_postfix.Port}", q => q.TrustedRoot = null));
        Assert.Equal(ProbeStatus.Fail, r.Status);
        Assert.Equal("CertificateInvalid", r.Outcome);
        Assert.False(r.Tls!.ChainValid);
    }

    [Fact]
    public void Postfix_certificate_check_skipped_warns()
    {
        _postfix.EnsureRunning();
        var r = Probe(Request($"mail.contoso.test:{_postfix.Port}", q =>
        {
            q.TrustedRoot = null;
            q.SkipCertificateCheck = true;
        }));
        Assert.Equal(ProbeStatus.Warn, r.Status);
        Assert.True(r.CertificateCheckSkipped);
        Assert.Contains("check skipped", r.Summary);
    }

    [Fact]
    public void Tls_none_reads_banner_and_ehlo_only()
    {
        _postfix.EnsureRunning();
        var r = Probe(Request($"mail.contoso.test:{_postfix.Port}", q => q.Tls = SmtpTlsMode.None));
        Assert.Equal(ProbeStatus.Pass, r.Status);
        Assert.False(r.TlsEstablished);
        Assert.Null(r.Tls);
        Assert.True(r.StartTlsOffered);
    }

    [Fact]
    public void Implicit_tls_against_a_starttls_port_fails_in_the_handshake()
    {
        _postfix.EnsureRunning();
        var r = Probe(Request($"mail.contoso.test:{_postfix.Port}", q => q.Tls = SmtpTlsMode.Implicit));
        Assert.Equal(ProbeStatus.Fail, r.Status);
        Assert.Equal("TlsHandshake", r.FailedPhase);
    }

    [Fact]
    public void Endless_banner_is_capped()
    {
        using var server = new HostileSmtp(async (s, ct) =>
        {
            var line = Encoding.ASCII.GetBytes("220-this banner never ends\r\n");
            while (!ct.IsCancellationRequested)
            {
                await s.WriteAsync(line, ct);
            }
        });
        var r = Probe(Request(server.Target));
        Assert.Equal(ProbeStatus.Fail, r.Status);
        Assert.Equal("ProtocolError", r.Outcome);
        Assert.Equal("Banner", r.FailedPhase);
        Assert.Contains("does not end", r.Summary);
    }

    [Fact]
    public void Endless_line_is_capped()
    {
        using var server = new HostileSmtp(async (s, ct) =>
        {
            var chunk = Encoding.ASCII.GetBytes(new string('2', 1000));
            while (!ct.IsCancellationRequested)
            {
                await s.WriteAsync(chunk, ct);
            }
        });
        var r = Probe(Request(server.Target));
        Assert.Equal("ProtocolError", r.Outcome);
        Assert.Contains("longer than", r.Summary);
    }

    [Fact]
    public void Silent_server_times_out_in_the_banner_phase()
    {
        using var server = new HostileSmtp((_, ct) => Task.Delay(Timeout.Infinite, ct));
        var r = Probe(Request(server.Target, q => q.Timeout = TimeSpan.FromSeconds(1)));
        Assert.Equal(ProbeStatus.Fail, r.Status);
        Assert.Equal("Timeout", r.Outcome);
        Assert.Equal("Banner", r.FailedPhase);
        Assert.Contains("220 greeting", r.Summary);
    }

    [Fact]
    public void Close_in_the_middle_of_the_ehlo_reply_fails()
    {
        using var server = new HostileSmtp(async (s, ct) =>
        {
            await s.WriteAsync(Encoding.ASCII.GetBytes("220 hostile.test ESMTP\r\n"), ct);
            var buffer = new byte[512];
            _ = await s.ReadAsync(buffer, ct);
            await s.WriteAsync(Encoding.ASCII.GetBytes("250-hostile.test\r\n250-PIPELINING\r\n"), ct);
        });
        var r = Probe(Request(server.Target));
        Assert.Equal(ProbeStatus.Fail, r.Status);
        Assert.Equal("ConnectionClosed", r.Outcome);
        Assert.Equal("Ehlo", r.FailedPhase);
        Assert.Contains("middle", r.Summary);
    }

    [Fact]
    public void Banner_5xx_is_rejected()
    {
        using var server = new HostileSmtp(async (s, ct) =>
        {
            await s.WriteAsync(Encoding.ASCII.GetBytes("554 5.3.2 hostile.test No SMTP service here\r\n"), ct);
            var buffer = new byte[512];
            _ = await s.ReadAsync(buffer, ct);
            await s.WriteAsync(Encoding.ASCII.GetBytes("221 bye\r\n"), ct);
        });
        var r = Probe(Request(server.Target));
        Assert.Equal("BannerRejected", r.Outcome);
        Assert.Equal(554, r.BannerCode);
        Assert.Contains("No SMTP service", r.Summary);
    }

    [Fact]
    public void Starttls_not_offered_fails_in_starttls_mode()
    {
        using var server = new HostileSmtp(async (s, ct) =>
        {
            await s.WriteAsync(Encoding.ASCII.GetBytes("220 plain.test ESMTP\r\n"), ct);
            var buffer = new byte[512];
            _ = await s.ReadAsync(buffer, ct);
            await s.WriteAsync(Encoding.ASCII.GetBytes("250-plain.test\r\n250-AUTH PLAIN LOGIN\r\n250 SIZE 1000\r\n"), ct);
            _ = await s.ReadAsync(buffer, ct);
            await s.WriteAsync(Encoding.ASCII.GetBytes("221 bye\r\n"), ct);
        });
        var r = Probe(Request(server.Target));
        Assert.Equal("StartTlsNotOffered", r.Outcome);
        Assert.Equal(new[] { "PLAIN", "LOGIN" }, r.AuthMechanisms);
        Assert.Equal(1000, r.SizeLimit);
    }

    [Fact]
    public void Http_server_is_not_smtp()
    {
        using var server = new HostileSmtp(async (s, ct) =>
            await s.WriteAsync(Encoding.ASCII.GetBytes("HTTP/1.1 400 Bad Request\r\n\r\n"), ct));
        var r = Probe(Request(server.Target));
        Assert.Equal("ProtocolError", r.Outcome);
        Assert.Contains("does not speak SMTP", r.Summary);
    }

    [Fact]
    public void Closed_port_fails_to_connect()
    {
        int port;
        using (var l = new TcpListener(IPAddress.Loopback, 0))
        {
            l.Start();
            port = ((IPEndPoint)l.LocalEndpoint).Port;
        }

        var r = Probe(Request($"127.0.0.1:{port}"));
        Assert.Equal("ConnectFailed", r.Outcome);
    }

    [Theory]
    [InlineData("mx.contoso.com", "mx.contoso.com", 25)]
    [InlineData("mx.contoso.com:587", "mx.contoso.com", 587)]
    [InlineData("[::1]:2525", "::1", 2525)]
    [InlineData("::1", "::1", 25)]
    [InlineData("10.0.0.1:26", "10.0.0.1", 26)]
    public void Targets_parse(string target, string host, int port)
    {
        Assert.Equal((host, port), SmtpProbe.ParseTarget(target, 25));
    }

    [Theory]
    [InlineData("mx.contoso.com:99999")]
    [InlineData("mx.contoso.com:abc")]
    [InlineData("")]
    [InlineData("bad host")]
    public void Bad_targets_are_item_errors(string target)
    {
        var outcome = SmtpProbe.Test(Request(target)).Single();
        Assert.Equal(OutcomeKind.Error, outcome.Kind);
        Assert.Equal(ErrorIds.EndpointTargetInvalid, outcome.Error!.ErrorId);
    }
}

/// <summary>A TCP server of ours that misbehaves on purpose; every connection runs the handler until the server is disposed.</summary>
public sealed class HostileSmtp : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public HostileSmtp(Func<NetworkStream, CancellationToken, Task> handler)
    {
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _loop = Task.Run(async () =>
        {
            while (!_stop.IsCancellationRequested)
            {
                TcpClient client;
                try
                {
                    client = await _listener.AcceptTcpClientAsync(_stop.Token);
                }
                catch (Exception)
                {
                    return;
                }

                _ = Task.Run(async () =>
                {
                    using (client)
                    {
                        try
                        {
                            await handler(client.GetStream(), _stop.Token);
                        }
                        catch (Exception)
                        {
                            // The probe went away: expected.
                        }
                    }
                });
            }
        });
    }

    public int Port { get; }

    public string Target => $"127.0.0.1:{Port}";

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        _loop.Wait(TimeSpan.FromSeconds(5));
        _stop.Dispose();
    }
}
