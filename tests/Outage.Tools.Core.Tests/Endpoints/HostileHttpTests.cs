using System.Text;
using Outage.Tools.Core.Endpoints;
using Xunit;

namespace Outage.Tools.Core.Tests.Endpoints;

/// <summary>Plain-HTTP servers of ours that misbehave: the probe's caps and parsers end each case with a precise reason.</summary>
public sealed class HostileHttpTests
{
    private static HttpEndpointResult Probe(HostileSmtp server, string path = "/owa/")
    {
        var request = new HttpEndpointRequest { Timeout = TimeSpan.FromSeconds(10) };
        request.Targets.Add($"http://127.0.0.1:{server.Port}{path}");
        return HttpEndpointProbe.TestOwa(request).Single().Value!;
    }

    [Fact]
    public void Endless_headers_are_capped()
    {
        using var server = new HostileSmtp(async (s, ct) =>
        {
            await s.WriteAsync(Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\n"), ct);
            var header = Encoding.ASCII.GetBytes("X-Filler: " + new string('x', 1000) + "\r\n");
            while (!ct.IsCancellationRequested)
            {
                await s.WriteAsync(header, ct);
            }
        });
        var r = Probe(server);
        Assert.Equal(ProbeStatus.Fail, r.Status);
        Assert.Equal("ProtocolError", r.Outcome);
        Assert.Contains("64 KB", r.Summary);
    }

    [Fact]
    public void Endless_body_is_capped_and_still_classified()
    {
        using var server = new HostileSmtp(async (s, ct) =>
        {
            await s.WriteAsync(Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<form><input type=\"password\">"), ct);
            var chunk = Encoding.ASCII.GetBytes(new string('x', 4096));
            while (!ct.IsCancellationRequested)
            {
                await s.WriteAsync(chunk, ct);
            }
        });
        var r = Probe(server);
        Assert.Equal("LoginForm", r.Outcome);
    }

    [Fact]
    public void Non_http_answer_is_a_protocol_error()
    {
        using var server = new HostileSmtp(async (s, ct) =>
            await s.WriteAsync(Encoding.ASCII.GetBytes("220 mx.contoso.test ESMTP\r\n"), ct));
        var r = Probe(server);
        Assert.Equal("ProtocolError", r.Outcome);
        Assert.Contains("did not answer with HTTP", r.Summary);
    }

    [Fact]
    public void Close_without_answer_is_reported()
    {
        using var server = new HostileSmtp(async (s, ct) =>
        {
            var buffer = new byte[4096];
            _ = await s.ReadAsync(buffer, ct);
        });
        var r = Probe(server);
        Assert.Equal(ProbeStatus.Fail, r.Status);
        Assert.Equal("FirstByte", r.Hops[0].FailedPhase);
    }
}
