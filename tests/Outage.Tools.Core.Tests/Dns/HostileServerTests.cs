using System.Net;
using System.Net.Sockets;
using Outage.Tools.Core.Dns;
using Xunit;

namespace Outage.Tools.Core.Tests.Dns;

/// <summary>
/// Servers of our own on loopback that answer wrongly: wrong ID, wrong question, truncated packets, compression
/// loops, silence. Such replies are ignored (never trusted) or reported, and nothing hangs.
/// </summary>
public sealed class HostileServerTests
{
    private static DnsClient Client(UdpTestServer server, int timeoutMs = 1500, bool tcp = false) =>
        new(new[] { server.EndPoint }, new DnsQueryOptions { Timeout = TimeSpan.FromMilliseconds(timeoutMs), Retries = 0, UseTcp = tcp });

    [Fact]
    public async Task Wrong_id_wrong_question_garbage_and_loops_are_ignored_and_the_real_answer_taken()
    {
        using var server = new UdpTestServer(UdpTestServer.ForgedThenReal, maxQueries: 20);
        var r = await Client(server).QueryAsync("victim.example", DnsRecordType.A);
        Assert.Equal("192.0.2.1", Assert.Single(r.Answer).Data);
    }

    [Fact]
    public async Task Ipv6_server_is_asked_and_answers_over_udp()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var s = new Socket(AddressFamily.InterNetworkV6, SocketType.Dgram, ProtocolType.Udp);
        s.Bind(new IPEndPoint(IPAddress.IPv6Loopback, 0));
        var port = ((IPEndPoint)s.LocalEndPoint!).Port;
        var loop = Task.Run(async () =>
        {
            var buf = new byte[2048];
            var r = await s.ReceiveFromAsync(buf, SocketFlags.None, new IPEndPoint(IPAddress.IPv6Any, 0), cts.Token);
            await s.SendToAsync(UdpTestServer.Answer(DnsMessage.Parse(buf, 0, r.ReceivedBytes), address: "192.0.2.6"), SocketFlags.None, r.RemoteEndPoint);
        }, cts.Token);
        using (s)
        {
            var server = DnsServerAddress.Parse($"[::1]:{port}");
            var client = new DnsClient(new[] { server }, new DnsQueryOptions { Timeout = TimeSpan.FromSeconds(2), Retries = 0 });
            var r = await client.QueryAsync("v6.example", DnsRecordType.A);
            Assert.Equal($"[::1]:{port}", r.Server);
            Assert.Equal("192.0.2.6", Assert.Single(r.Answer).Data);
            await loop;
        }
    }

    [Fact]
    public async Task Only_forged_replies_end_in_a_timeout_not_a_trusted_answer()
    {
        using var server = new UdpTestServer(q => new[] { UdpTestServer.Answer(q, id: (ushort)(q.Id + 1)), UdpTestServer.Answer(q, qname: "other.example."), UdpTestServer.CompressionLoop(q.Id) }, maxQueries: 20);
        var ex = await Assert.ThrowsAsync<DnsQueryException>(() => Client(server, 400).QueryAsync("victim.example", DnsRecordType.A));
        Assert.Equal(DnsFailureKind.Timeout, ex.Kind);
    }

    [Fact]
    public async Task Tcp_server_sending_a_compression_loop_is_reported()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var serve = Task.Run(async () =>
        {
            using var c = await listener.AcceptTcpClientAsync();
            var s = c.GetStream();
            var len = new byte[2];
            await s.ReadExactlyAsync(len);
            var q = new byte[(len[0] << 8) | len[1]];
            await s.ReadExactlyAsync(q);
            var id = (ushort)((q[0] << 8) | q[1]);
            var bad = UdpTestServer.CompressionLoop(id);
            await s.WriteAsync(new byte[] { 0, (byte)bad.Length });
            await s.WriteAsync(bad);
            await Task.Delay(2000);
        });
        var client = new DnsClient(new[] { (IPEndPoint)listener.LocalEndpoint }, new DnsQueryOptions { UseTcp = true, Retries = 0, Timeout = TimeSpan.FromSeconds(3) });
        var ex = await Assert.ThrowsAsync<DnsQueryException>(() => client.QueryAsync("victim.example", DnsRecordType.A));
        Assert.Equal(DnsFailureKind.NetworkError, ex.Kind);
        Assert.Contains("loop", ex.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Tcp_server_that_accepts_and_goes_silent_times_out()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var client = new DnsClient(new[] { (IPEndPoint)listener.LocalEndpoint }, new DnsQueryOptions { UseTcp = true, Retries = 0, Timeout = TimeSpan.FromMilliseconds(300) });
        var ex = await Assert.ThrowsAsync<DnsQueryException>(() => client.QueryAsync("victim.example", DnsRecordType.A));
        Assert.Equal(DnsFailureKind.Timeout, ex.Kind);
    }

    [Fact]
    public async Task Tc_reply_over_udp_falls_back_to_tcp()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        using var server = new UdpTestServer(q =>
        {
            var m = new DnsMessage { Id = q.Id, IsResponse = true, Truncated = true };
            m.Questions.Add(q.Questions[0]);
            return new[] { m.ToArray() };
        }, maxQueries: 20);
        using var listener = new TcpListener(IPAddress.Loopback, server.EndPoint.Port);
        listener.Start();
        var serve = TcpTestServer.Serve(listener, 1, q => UdpTestServer.Answer(q, address: "192.0.2.99"), cts.Token);
        var r = await Client(server).QueryAsync("victim.example", DnsRecordType.A);
        Assert.Equal(DnsTransport.Tcp, r.Transport);
        Assert.Equal("192.0.2.99", Assert.Single(r.Answer).Data);
        cts.Cancel();
    }
}
