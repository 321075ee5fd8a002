using System.Net;
using System.Net.Sockets;
using Outage.Tools.Core.Dns;

namespace Outage.Tools.Core.Tests.Dns;

/// <summary>
/// A UDP DNS server of our own on 127.0.0.1 that answers each query with what a function returns, and records the
/// source port and ID of every query. Bounded: it stops after <c>maxQueries</c> queries or when disposed.
/// </summary>
internal sealed class UdpTestServer : IDisposable
{
    private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
    private readonly CancellationTokenSource _cts = new(TimeSpan.FromSeconds(60));
    private readonly Task _loop;
    private readonly List<(int Port, ushort Id)> _seen = new();

    public UdpTestServer(Func<DnsMessage, IEnumerable<byte[]>> replies, int maxQueries)
    {
        _socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        EndPoint = (IPEndPoint)_socket.LocalEndPoint!;
        _loop = Task.Run(async () =>
        {
            var buf = new byte[2048];
            for (var i = 0; i < maxQueries && !_cts.IsCancellationRequested; i++)
            {
                SocketReceiveFromResult r;
                try
                {
                    r = await _socket.ReceiveFromAsync(buf, SocketFlags.None, new IPEndPoint(IPAddress.Any, 0), _cts.Token);
                }
                catch (Exception e) when (e is OperationCanceledException || e is ObjectDisposedException || e is SocketException)
                {
                    return;
                }

                var query = DnsMessage.Parse(buf, 0, r.ReceivedBytes);
                lock (_seen)
                {
                    _seen.Add((((IPEndPoint)r.RemoteEndPoint).Port, query.Id));
                }

                foreach (var reply in replies(query))
                {
                    await _socket.SendToAsync(reply, SocketFlags.None, r.RemoteEndPoint);
                }
            }
        });
    }

    public IPEndPoint EndPoint { get; }

    public IReadOnlyList<(int Port, ushort Id)> Seen
    {
        get
        {
            lock (_seen)
            {
                return _seen.ToList();
            }
        }
    }

    public static byte[] Answer(DnsMessage query, ushort? id = null, string? qname = null, string address = "192.0.2.1")
    {
        var q = query.Questions[0];
        var m = new DnsMessage { Id = id ?? query.Id, IsResponse = true, RecursionDesired = query.RecursionDesired, AuthoritativeAnswer = true };
        m.Questions.Add(new DnsQuestion(qname ?? q.Name, q.Type));
        m.Answers.Add(DnsMessageFactory.A(qname ?? q.Name, address));
        return m.ToArray();
    }

    /// <summary>
    /// Forged and broken replies first — wrong ID, wrong question, garbage, a compression loop, a cut-off packet —
    /// then the real answer (192.0.2.1): a client must ignore the first five and take the last (RFC 5452 §9.1).
    /// </summary>
    public static IEnumerable<byte[]> ForgedThenReal(DnsMessage q) => new[]
    {
        Answer(q, id: (ushort)(q.Id ^ 0x5555), address: "192.0.2.66"),
        Answer(q, qname: "evil.example.", address: "192.0.2.67"),
        new byte[] { 1, 2, 3 },
        CompressionLoop(q.Id),
        Answer(q).Take(20).ToArray(),
        Answer(q, address: "192.0.2.1"),
    };

    /// <summary>Header with QDCOUNT=1, then a QNAME that is a pointer to itself (offset 12).</summary>
    public static byte[] CompressionLoop(ushort id) =>
        new byte[] { (byte)(id >> 8), (byte)id, 0x84, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xC0, 12, 0, 1, 0, 1 };

    public void Dispose()
    {
        _cts.Cancel();
        _socket.Dispose();
        try
        {
            _loop.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
        }

        _cts.Dispose();
    }
}

/// <summary>A TCP DNS server of our own (RFC 7766 framing): answers one query per connection, <c>count</c> connections.</summary>
internal static class TcpTestServer
{
    public static Task Serve(TcpListener listener, int count, Func<DnsMessage, byte[]> reply, CancellationToken ct) => Task.Run(async () =>
    {
        for (var i = 0; i < count; i++)
        {
            using var c = await listener.AcceptTcpClientAsync(ct);
            var s = c.GetStream();
            var len = new byte[2];
            await s.ReadExactlyAsync(len, ct);
            var q = new byte[(len[0] << 8) | len[1]];
            await s.ReadExactlyAsync(q, ct);
            var r = reply(DnsMessage.Parse(q));
            await s.WriteAsync(new byte[] { (byte)(r.Length >> 8), (byte)r.Length }, ct);
            await s.WriteAsync(r, ct);
        }
    }, ct);
}
