using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Outage.Tools.Core.Dns;
using Xunit;

namespace Outage.Tools.Core.Tests.Dns;

/// <summary>
/// DNS servers of our own over TCP (RFC 7766 framing, 127.0.0.1 only) that answer with what a hostile or broken
/// server can send: the largest message TCP can frame, one byte a second, labels over 63 octets, names over 255,
/// forward compression pointers, a reply cut short. Each query ends within its timeout with a precise reason
/// (or the whole answer), and the client's memory stays bounded.
/// </summary>
public sealed class HostileTcpDnsTests
{
    /// <summary>Accepts one connection, reads the framed query and hands it with the stream to <paramref name="reply"/>.</summary>
    private static async Task<DnsQueryException?> AskAsync(Func<DnsMessage, NetworkStream, CancellationToken, Task> reply, int timeoutMs = 2000,
        Action<DnsResponse>? onAnswer = null)
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var serve = Task.Run(async () =>
        {
            using var c = await listener.AcceptTcpClientAsync(stop.Token);
            var s = c.GetStream();
            var len = new byte[2];
            await s.ReadExactlyAsync(len, stop.Token);
            var q = new byte[(len[0] << 8) | len[1]];
            await s.ReadExactlyAsync(q, stop.Token);
            try
            {
                await reply(DnsMessage.Parse(q), s, stop.Token);
            }
            catch (Exception ex) when (ex is IOException || ex is OperationCanceledException)
            {
                // The client gave up: expected for the slow servers.
            }
        });
        var client = new DnsClient(new[] { (IPEndPoint)listener.LocalEndpoint },
            new DnsQueryOptions { UseTcp = true, Retries = 0, Timeout = TimeSpan.FromMilliseconds(timeoutMs) });
        try
        {
            var r = await client.QueryAsync("victim.example", DnsRecordType.A);
            onAnswer?.Invoke(r);
            return null;
        }
        catch (DnsQueryException ex)
        {
            return ex;
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAny(serve, Task.Delay(5000));
        }
    }

    private static async Task SendFramed(NetworkStream s, byte[] body, CancellationToken ct)
    {
        await s.WriteAsync(new[] { (byte)(body.Length >> 8), (byte)body.Length }, ct);
        await s.WriteAsync(body, ct);
        await Task.Delay(500, ct);
    }

    /// <summary>Header (id, QR|AA, QDCOUNT=1, ANCOUNT=1), the question victim.example A IN, then an answer with the given owner bytes.</summary>
    private static byte[] ReplyWithOwner(ushort id, byte[] owner)
    {
        var m = new List<byte> { (byte)(id >> 8), (byte)id, 0x84, 0, 0, 1, 0, 1, 0, 0, 0, 0 };
        m.AddRange(new byte[] { 6, (byte)'v', (byte)'i', (byte)'c', (byte)'t', (byte)'i', (byte)'m', 7, (byte)'e', (byte)'x', (byte)'a', (byte)'m', (byte)'p', (byte)'l', (byte)'e', 0, 0, 1, 0, 1 });
        m.AddRange(owner);
        m.AddRange(new byte[] { 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 192, 0, 2, 1 });
        return m.ToArray();
    }

    [Fact]
    public async Task An_answer_of_65535_bytes_over_tcp_is_read_whole()
    {
        const int records = (65535 - 12 - 20) / 16; // each A record: pointer owner (2) + type, class, TTL, length (10) + address (4)
        var failure = await AskAsync(async (q, s, ct) =>
        {
            var m = new List<byte> { (byte)(q.Id >> 8), (byte)q.Id, 0x84, 0, 0, 1, records >> 8, records & 0xFF, 0, 0, 0, 0 };
            m.AddRange(UdpTestServer.Answer(q).Skip(12).Take(20)); // the question as asked
            for (var i = 0; i < records; i++)
            {
                m.AddRange(new byte[] { 0xC0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 198, 51, (byte)(i >> 8), (byte)i });
            }

            while (m.Count < 65535)
            {
                m.Add(0); // trailing octets after the counted records: allowed, ignored
            }

            await SendFramed(s, m.ToArray(), ct);
        }, onAnswer: r =>
        {
            Assert.Equal(records, r.Answer.Count);
            Assert.Equal(65535, r.Size);
        });
        Assert.Null(failure);
    }

    [Fact]
    public async Task A_server_trickling_one_byte_a_second_ends_at_the_timeout_not_per_byte()
    {
        var watch = Stopwatch.StartNew();
        var failure = await AskAsync(async (q, s, ct) =>
        {
            var reply = UdpTestServer.Answer(q);
            var framed = new[] { (byte)(reply.Length >> 8), (byte)reply.Length }.Concat(reply).ToArray();
            foreach (var b in framed)
            {
                await s.WriteAsync(new[] { b }, ct);
                await Task.Delay(1000, ct);
            }
        }, timeoutMs: 2500);
        Assert.NotNull(failure);
        Assert.Equal(DnsFailureKind.Timeout, failure!.Kind);
        Assert.Contains("did not answer", failure.Message);
        // The whole reply would take 40+ s at a byte a second: the deadline is for the exchange, not per read.
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(20), $"took {watch.Elapsed}");
    }

    [Fact]
    public async Task A_label_over_63_octets_is_a_malformed_reply()
    {
        var owner = new byte[] { 64 }.Concat(Enumerable.Repeat((byte)'a', 64)).Append((byte)0).ToArray();
        var failure = await AskAsync((q, s, ct) => SendFramed(s, ReplyWithOwner(q.Id, owner), ct));
        Assert.NotNull(failure);
        Assert.Equal(DnsFailureKind.NetworkError, failure!.Kind);
        Assert.Contains("malformed reply", failure.Message);
        Assert.Contains("label type 0x40", failure.Message);
    }

    [Fact]
    public async Task A_name_over_255_octets_is_a_malformed_reply()
    {
        var owner = Enumerable.Range(0, 5).SelectMany(_ => new byte[] { 63 }.Concat(Enumerable.Repeat((byte)'b', 63))).Append((byte)0).ToArray();
        var failure = await AskAsync((q, s, ct) => SendFramed(s, ReplyWithOwner(q.Id, owner), ct));
        Assert.NotNull(failure);
        Assert.Equal(DnsFailureKind.NetworkError, failure!.Kind);
        Assert.Contains("longer than 255 octets", failure.Message);
    }

    [Fact]
    public async Task A_forward_compression_pointer_is_a_malformed_reply()
    {
        // The answer's owner points 2 octets ahead, into its own type field: forward, never followed (RFC 1035 §4.1.4).
        var failure = await AskAsync((q, s, ct) => SendFramed(s, ReplyWithOwner(q.Id, new byte[] { 0xC0, 12 + 20 + 2 }), ct));
        Assert.NotNull(failure);
        Assert.Equal(DnsFailureKind.NetworkError, failure!.Kind);
        Assert.Contains("does not point backwards", failure.Message);
    }

    [Fact]
    public async Task A_reply_cut_short_of_its_length_prefix_says_so()
    {
        var failure = await AskAsync(async (q, s, ct) =>
        {
            var reply = UdpTestServer.Answer(q);
            await s.WriteAsync(new byte[] { 0x01, 0x00 }, ct); // announces 256 octets
            await s.WriteAsync(reply, ct);                      // sends fewer, then closes
        });
        Assert.NotNull(failure);
        Assert.Equal(DnsFailureKind.NetworkError, failure!.Kind);
        Assert.Contains("before the whole reply arrived", failure.Message);
    }

    [Fact]
    public async Task Endless_replies_with_the_wrong_id_end_at_the_timeout()
    {
        var failure = await AskAsync(async (q, s, ct) =>
        {
            var wrong = UdpTestServer.Answer(q, id: (ushort)(q.Id ^ 0x0101));
            var framed = new[] { (byte)(wrong.Length >> 8), (byte)wrong.Length }.Concat(wrong).ToArray();
            while (!ct.IsCancellationRequested)
            {
                await s.WriteAsync(framed, ct);
            }
        }, timeoutMs: 1500);
        Assert.NotNull(failure);
        Assert.Equal(DnsFailureKind.Timeout, failure!.Kind);
    }
}
