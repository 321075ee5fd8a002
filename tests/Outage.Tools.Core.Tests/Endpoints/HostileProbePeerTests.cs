using System.IO.Compression;
using System.Text;
using Outage.Tools.Core.Endpoints;
using Xunit;

namespace Outage.Tools.Core.Tests.Endpoints;

/// <summary>
/// HTTP and SMTP peers of our own on 127.0.0.1 that attack the probes' readers: a chunk size of terabytes, a gzip
/// stream of endless zeros, ten thousand distinct redirects, a TLS server that stalls in the middle of the
/// handshake, an endless "250-" continuation, a 1 MB banner line. Each probe ends within its timeout with a
/// precise reason, and what it keeps is capped (HttpProbeClient.MaxBody, SmtpProbe.MaxReplyLines/MaxLine).
/// Every redirect these servers send names 127.0.0.1 only.
/// </summary>
public sealed class HostileProbePeerTests
{
    private static HttpEndpointResult Owa(string url, Action<HttpEndpointRequest>? configure = null)
    {
        var request = new HttpEndpointRequest { Timeout = TimeSpan.FromSeconds(10) };
        configure?.Invoke(request);
        request.Targets.Add(url);
        return HttpEndpointProbe.TestOwa(request).Single().Value!;
    }

    private static Task Write(Stream s, string text, CancellationToken ct) => s.WriteAsync(Encoding.ASCII.GetBytes(text), ct).AsTask();

    private static async Task ReadRequest(Stream s, CancellationToken ct)
    {
        var buffer = new byte[8192];
        _ = await s.ReadAsync(buffer, ct);
    }

    [Fact]
    public void A_chunk_size_past_int_range_is_a_malformed_chunked_body()
    {
        using var server = new HostileSmtp(async (s, ct) =>
        {
            await ReadRequest(s, ct);
            await Write(s, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nFFFFFFFFFFFFFFFF\r\n", ct);
            var filler = new byte[4096];
            while (!ct.IsCancellationRequested)
            {
                await s.WriteAsync(filler, ct);
            }
        });
        var r = Owa($"http://127.0.0.1:{server.Port}/owa/");
        Assert.Equal(ProbeStatus.Fail, r.Status);
        Assert.Equal("Body", r.Hops[0].FailedPhase);
        Assert.Contains("Malformed chunked body", r.Hops[0].Error);
    }

    [Fact]
    public void A_two_gigabyte_chunk_is_read_up_to_the_body_cap_and_classified()
    {
        using var server = new HostileSmtp(async (s, ct) =>
        {
            await ReadRequest(s, ct);
            await Write(s, "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nTransfer-Encoding: chunked\r\n\r\n7FFFFFFF\r\n<form><input type=\"password\">", ct);
            var filler = Encoding.ASCII.GetBytes(new string('x', 4096));
            while (!ct.IsCancellationRequested)
            {
                await s.WriteAsync(filler, ct);
            }
        });
        var r = Owa($"http://127.0.0.1:{server.Port}/owa/");
        Assert.Equal("LoginForm", r.Outcome);
        Assert.Null(r.Hops[0].Error);
    }

    [Fact]
    public void A_gzip_stream_of_endless_zeros_is_never_inflated()
    {
        using var server = new HostileSmtp(async (s, ct) =>
        {
            await ReadRequest(s, ct);
            await Write(s, "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Encoding: gzip\r\n\r\n", ct);
            using var gzip = new GZipStream(s, CompressionLevel.SmallestSize, leaveOpen: true);
            var zeros = new byte[1 << 20];
            while (!ct.IsCancellationRequested)
            {
                await gzip.WriteAsync(zeros, ct); // ~1 KB on the wire per MB of zeros: a decompression bomb
            }
        });
        var r = Owa($"http://127.0.0.1:{server.Port}/owa/");
        // The probe asks for no content coding (no Accept-Encoding) and reads at most MaxBody octets as they come.
        Assert.Null(r.Hops[0].Error);
        Assert.Equal(200, r.Hops[0].StatusCode);
        Assert.NotEqual("LoginForm", r.Outcome);
    }

    [Fact]
    public void Ten_thousand_distinct_redirects_stop_at_the_limit()
    {
        var served = 0;
        using var server = new HostileSmtp(async (s, ct) =>
        {
            await ReadRequest(s, ct);
            var n = Interlocked.Increment(ref served);
            await Write(s, $"HTTP/1.1 302 Found\r\nLocation: http://127.0.0.1:{((System.Net.IPEndPoint)((System.Net.Sockets.NetworkStream)s).Socket.LocalEndPoint!).Port}/r/{n}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n", ct);
        });
        var r = Owa($"http://127.0.0.1:{server.Port}/r/0", q => q.MaxRedirects = 10_000);
        Assert.Equal(ProbeStatus.Fail, r.Status);
        // Either the redirect limit or the probe's time budget ends the chain; both are named.
        Assert.True(r.Outcome is "TooManyRedirects" or "Timeout", r.Outcome + ": " + r.Summary);
        Assert.InRange(r.Hops.Count, 2, 10_001);

        var bounded = Owa($"http://127.0.0.1:{server.Port}/r/0");
        Assert.Equal("TooManyRedirects", bounded.Outcome);
        Assert.Equal(11, bounded.Hops.Count);
        Assert.Contains("More than 10 redirects", bounded.Summary);
    }

    [Fact]
    public void A_tls_server_that_stalls_mid_handshake_times_out_in_the_handshake()
    {
        using var server = new HostileSmtp(async (s, ct) =>
        {
            await ReadRequest(s, ct); // the ClientHello
            // A TLS 1.2 handshake record header announcing 4,000 octets of ServerHello, 10 of them, then silence.
            await s.WriteAsync(new byte[] { 0x16, 0x03, 0x03, 0x0F, 0xA0, 0x02, 0x00, 0x0F, 0x9C, 0x03, 0x03, 1, 2, 3, 4 }, ct);
            await Task.Delay(Timeout.Infinite, ct);
        });
        var r = Owa($"https://127.0.0.1:{server.Port}/owa/", q => q.Timeout = TimeSpan.FromSeconds(1.5));
        Assert.Equal(ProbeStatus.Fail, r.Status);
        Assert.Equal("Timeout", r.Outcome);
        Assert.Equal("TlsHandshake", r.Hops[0].FailedPhase);
        Assert.Contains("TLS handshake", r.Summary);
    }

    private static SmtpEndpointResult Smtp(HostileSmtp server)
    {
        var request = new SmtpEndpointRequest { Timeout = TimeSpan.FromSeconds(10), Tls = SmtpTlsMode.None };
        request.Targets.Add(server.Target);
        return SmtpProbe.Test(request).Single().Value!;
    }

    [Fact]
    public void An_endless_250_continuation_after_ehlo_is_capped()
    {
        using var server = new HostileSmtp(async (s, ct) =>
        {
            await Write(s, "220 hostile.test ESMTP\r\n", ct);
            await ReadRequest(s, ct);
            var line = Encoding.ASCII.GetBytes("250-XEXTENSION-THAT-NEVER-ENDS\r\n");
            while (!ct.IsCancellationRequested)
            {
                await s.WriteAsync(line, ct);
            }
        });
        var r = Smtp(server);
        Assert.Equal(ProbeStatus.Fail, r.Status);
        Assert.Equal("ProtocolError", r.Outcome);
        Assert.Equal("Ehlo", r.FailedPhase);
        Assert.Contains("does not end", r.Summary);
        Assert.True(r.Transcript.Count <= 40, $"{r.Transcript.Count} transcript lines");
    }

    [Fact]
    public void A_one_megabyte_banner_line_is_refused_at_the_line_cap()
    {
        using var server = new HostileSmtp(async (s, ct) =>
        {
            await Write(s, "220 " + new string('b', 1 << 20) + "\r\n", ct);
            await Task.Delay(Timeout.Infinite, ct);
        });
        var r = Smtp(server);
        Assert.Equal(ProbeStatus.Fail, r.Status);
        Assert.Equal("ProtocolError", r.Outcome);
        Assert.Equal("Banner", r.FailedPhase);
        Assert.Contains($"longer than {SmtpProbe.MaxLine} bytes", r.Summary);
    }
}
