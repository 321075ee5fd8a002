using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Threading;
using System.Threading.Tasks;

namespace Outage.Tools.Core.Dns;

/// <summary>How queries are sent.</summary>
public sealed class DnsQueryOptions
{
    /// <summary>How long to wait for one server's answer to one attempt.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Further attempts after the first, each going through every server again.</summary>
    public int Retries { get; set; } = 1;

    /// <summary>Use TCP from the start (RFC 7766) instead of UDP with TCP fallback on TC=1.</summary>
    public bool UseTcp { get; set; }

    /// <summary>RD flag: ask the server to recurse (RFC 1035 §4.1.1).</summary>
    public bool Recursion { get; set; } = true;

    /// <summary>Set the DO bit (RFC 3225) so DNSSEC records come back.</summary>
    public bool DnssecOk { get; set; }

    /// <summary>EDNS(0) UDP payload size advertised (RFC 6891); 1232 avoids fragmentation (DNS Flag Day 2020). 0 = no EDNS.</summary>
    public ushort UdpPayloadSize { get; set; } = 1232;

    /// <summary>On SERVFAIL or REFUSED, ask the next server (as a stub resolver does). Off for per-server diagnostics.</summary>
    public bool FailoverOnServerFailure { get; set; } = true;

    internal void Validate()
    {
        if (Timeout <= TimeSpan.Zero || Timeout > TimeSpan.FromMinutes(5))
        {
            throw new ArgumentOutOfRangeException(nameof(Timeout), Timeout, "The timeout must be above zero and at most 5 minutes.");
        }

        if (Retries < 0 || Retries > 10)
        {
            throw new ArgumentOutOfRangeException(nameof(Retries), Retries, "Retries must be from 0 to 10.");
        }
    }
}

/// <summary>
/// A stub DNS client. UDP with a random 16-bit ID from a cryptographic generator and a fresh socket (so a fresh
/// random source port chosen by the OS) per query; a datagram is accepted only from the server queried (a
/// connected socket), with the query's ID, QR=1 and the same question — anything else is ignored and waiting
/// goes on until the timeout. TC=1 → the same query over TCP with the two-octet length prefix (RFC 7766 §8).
/// Timeouts, retries and failover across servers in order. Thread-safe: one instance serves many queries at once.
/// </summary>
public sealed partial class DnsClient
{
    private readonly RandomNumberGenerator _random = RandomNumberGenerator.Create();
    private readonly object _randomLock = new();

    // Receive buffers are reused (bounded by the queries in flight), so bulk runs do not allocate 64 KiB per query.
    private readonly System.Collections.Concurrent.ConcurrentBag<byte[]> _buffers = new();

    public DnsClient(IEnumerable<IPEndPoint> servers, DnsQueryOptions? options = null)
    {
        Servers = (servers ?? throw new ArgumentNullException(nameof(servers))).ToList();
        if (Servers.Count == 0)
        {
            throw new ArgumentException("At least one DNS server is needed.", nameof(servers));
        }

        Options = options ?? new DnsQueryOptions();
        Options.Validate();
    }

    public IReadOnlyList<IPEndPoint> Servers { get; }

    public DnsQueryOptions Options { get; }

    /// <summary>Asks the servers in order, with retries; returns the first usable response, or throws <see cref="DnsQueryException"/>.</summary>
    public async Task<DnsResponse> QueryAsync(string name, DnsRecordType type, CancellationToken cancellationToken = default)
    {
        var question = new DnsQuestion(name, type);
        DnsResponse? fallback = null;
        DnsQueryException? last = null;
        for (var attempt = 0; attempt <= Options.Retries; attempt++)
        {
            foreach (var server in Servers)
            {
                cancellationToken.ThrowIfCancellationRequested();
                try
                {
                    var response = await ExchangeAsync(server, question, cancellationToken).ConfigureAwait(false);
                    if (Options.FailoverOnServerFailure && Servers.Count > 1 &&
                        (response.ResponseCode == DnsResponseCode.ServFail || response.ResponseCode == DnsResponseCode.Refused))
                    {
                        fallback ??= response;
                        continue;
                    }

                    return response;
                }
                catch (DnsQueryException ex)
                {
                    last = ex;
                }
            }

            if (fallback is not null)
            {
                return fallback;
            }
        }

        throw last ?? new DnsQueryException(DnsFailureKind.Timeout, DnsServerAddress.Format(Servers[0]), $"No server answered {question}.");
    }

    /// <summary>One exchange with one server: UDP (then TCP on TC=1) or TCP. No retry.</summary>
    public async Task<DnsResponse> ExchangeAsync(IPEndPoint server, DnsQuestion question, CancellationToken cancellationToken = default)
    {
        if (server is null)
        {
            throw new ArgumentNullException(nameof(server));
        }

        var id = NextId();
        var query = EncodeQuery(id, question);
        var sw = Stopwatch.StartNew();
        if (!Options.UseTcp)
        {
            var (udp, size) = await UdpAsync(server, query, id, question, cancellationToken).ConfigureAwait(false);
            if (!udp.Truncated)
            {
                return new DnsResponse(udp, DnsServerAddress.Format(server), DnsTransport.Udp, size, sw.Elapsed, false);
            }

            id = NextId();
            query = EncodeQuery(id, question);
            var (tcp, tsize) = await TcpAsync(server, query, id, question, cancellationToken).ConfigureAwait(false);
            return new DnsResponse(tcp, DnsServerAddress.Format(server), DnsTransport.Tcp, tsize, sw.Elapsed, true);
        }

        var (m, n) = await TcpAsync(server, query, id, question, cancellationToken).ConfigureAwait(false);
        return new DnsResponse(m, DnsServerAddress.Format(server), DnsTransport.Tcp, n, sw.Elapsed, false);
    }

    /// <summary>The query message for one question with this client's RD, EDNS payload size and DO bit, as octets.</summary>
    private byte[] EncodeQuery(ushort id, DnsQuestion question) =>
        DnsMessage.CreateQuery(id, question, Options.Recursion, Options.UdpPayloadSize, Options.DnssecOk).ToArray();

    private ushort NextId()
    {
        var b = new byte[2];
        lock (_randomLock)
        {
            _random.GetBytes(b);
        }

        return (ushort)((b[0] << 8) | b[1]);
    }

    /// <summary>Whether a parsed datagram answers our query (RFC 5452 §9.1: ID, question; the source is fixed by connect()).</summary>
    internal static bool IsReplyTo(DnsMessage m, ushort id, DnsQuestion q) =>
        m.IsResponse && m.Id == id && m.Opcode == 0 && m.Questions.Count == 1 && m.Questions[0].Matches(q) &&
        string.Equals(m.Questions[0].Name, q.Name, StringComparison.OrdinalIgnoreCase);

    private async Task<(DnsMessage, int)> UdpAsync(IPEndPoint server, byte[] query, ushort id, DnsQuestion q, CancellationToken ct)
    {
        var name = DnsServerAddress.Format(server);
        using var socket = new Socket(server.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(Options.Timeout);
        using var reg = timeout.Token.Register(() => socket.Dispose());
        var ignored = new IgnoredReplies();
        if (!_buffers.TryTake(out var buffer))
        {
            buffer = new byte[65535];
        }

        try
        {
            socket.Bind(new IPEndPoint(server.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any, 0));
            socket.Connect(server);
            await socket.SendAsync(new ArraySegment<byte>(query), SocketFlags.None).ConfigureAwait(false);
            while (true)
            {
                var n = await socket.ReceiveAsync(new ArraySegment<byte>(buffer), SocketFlags.None).ConfigureAwait(false);
                var reply = AcceptDatagram(buffer, n, id, q, out var why);
                if (reply is not null)
                {
                    return (reply, n);
                }

                ignored.Note(why);
            }
        }
        catch (Exception ex) when (ex is ObjectDisposedException || ex is SocketException || ex is OperationCanceledException)
        {
            ct.ThrowIfCancellationRequested();
            if (timeout.IsCancellationRequested)
            {
                throw new DnsQueryException(DnsFailureKind.Timeout, name, $"{name} did not answer {q} over UDP within {Options.Timeout.TotalSeconds:0.###} s{ignored}.", ex);
            }

            if (ex is SocketException se && se.SocketErrorCode == SocketError.ConnectionRefused)
            {
                throw new DnsQueryException(DnsFailureKind.ConnectionRefused, name, $"{name} refused {q} over UDP (nothing listens on that port).", ex);
            }

            throw new DnsQueryException(DnsFailureKind.NetworkError, name, $"Sending {q} to {name} over UDP failed: {ex.Message}", ex);
        }
        finally
        {
            if (_buffers.Count < 1024)
            {
                _buffers.Add(buffer);
            }
        }
    }

    private static bool IsHeaderOf(byte[] b, int n, ushort id) => n >= 2 && ((b[0] << 8) | b[1]) == id;

    /// <summary>
    /// What one datagram from the queried server means for the query (id, q): the reply, or null to ignore it and
    /// keep waiting (RFC 5452 §9.1: wrong ID, wrong question, not a response, malformed). A reply with our ID and
    /// TC=1 whose body is cut off comes back as a bare truncated message, so the caller falls back to TCP.
    /// </summary>
    internal static DnsMessage? AcceptDatagram(byte[] buffer, int n, ushort id, DnsQuestion q) => AcceptDatagram(buffer, n, id, q, out _);

    /// <summary>The same, with <paramref name="ignored"/> saying why a datagram was not taken as the reply.</summary>
    internal static DnsMessage? AcceptDatagram(byte[] buffer, int n, ushort id, DnsQuestion q, out string? ignored)
    {
        DnsMessage m;
        ignored = null;
        try
        {
            m = DnsMessage.Parse(buffer, 0, n);
        }
        catch (DnsFormatException ex)
        {
            if (IsHeaderOf(buffer, n, id) && n >= 12 && (buffer[2] & 0x82) == 0x82)
            {
                var tc = new DnsMessage { Id = id, IsResponse = true, Truncated = true };
                tc.Questions.Add(q);
                return tc;
            }

            ignored = n < 12 ? $"a {n}-byte datagram, shorter than a DNS header" : $"a malformed reply ({ex.Message})";
            return null;
        }

        if (IsReplyTo(m, id, q))
        {
            return m;
        }

        ignored = !m.IsResponse ? "a query, not a response"
            : m.Id != id ? $"a reply with the wrong ID ({m.Id} instead of {id})"
            : m.Opcode != 0 ? $"a reply with opcode {m.Opcode}"
            : $"a reply to another question ({(m.Questions.Count == 1 ? m.Questions[0].ToString() : m.Questions.Count + " questions")})";
        return null;
    }

    /// <summary>Datagrams that came but were not the reply: said in the timeout message instead of a bare "did not answer".</summary>
    internal sealed class IgnoredReplies
    {
        private int _count;
        private string? _last;

        public void Note(string? why)
        {
            if (why is not null)
            {
                _count++;
                _last = why;
            }
        }

        /// <summary>"" or "; it sent 3 datagrams that were not the reply, the last a reply with the wrong ID (…)".</summary>
        public override string ToString() => _count == 0 ? string.Empty
            : $"; it sent {_count} datagram(s) that were not the reply, the last {_last}";
    }

    private async Task<(DnsMessage, int)> TcpAsync(IPEndPoint server, byte[] query, ushort id, DnsQuestion q, CancellationToken ct)
    {
        var name = DnsServerAddress.Format(server);
        using var socket = new Socket(server.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(Options.Timeout);
        using var reg = timeout.Token.Register(() => socket.Dispose());
        try
        {
            await socket.ConnectAsync(server).ConfigureAwait(false);
            var framed = new byte[query.Length + 2];
            framed[0] = (byte)(query.Length >> 8);
            framed[1] = (byte)query.Length;
            Buffer.BlockCopy(query, 0, framed, 2, query.Length);
            await socket.SendAsync(new ArraySegment<byte>(framed), SocketFlags.None).ConfigureAwait(false);
            var prefix = new byte[2];
            while (true)
            {
                await ReadExactlyAsync(socket, prefix, name).ConfigureAwait(false);
                var len = (prefix[0] << 8) | prefix[1];
                var body = new byte[len];
                await ReadExactlyAsync(socket, body, name).ConfigureAwait(false);
                var m = DnsMessage.Parse(body, 0, len);
                if (IsReplyTo(m, id, q))
                {
                    return (m, len);
                }
            }
        }
        catch (DnsFormatException ex)
        {
            throw new DnsQueryException(DnsFailureKind.NetworkError, name, $"{name} sent a malformed reply to {q} over TCP ({ex.Message}).", ex);
        }
        catch (Exception ex) when (ex is ObjectDisposedException || ex is SocketException || ex is OperationCanceledException || ex is System.IO.IOException)
        {
            ct.ThrowIfCancellationRequested();
            if (timeout.IsCancellationRequested)
            {
                throw new DnsQueryException(DnsFailureKind.Timeout, name, $"{name} did not answer {q} over TCP within {Options.Timeout.TotalSeconds:0.###} s.", ex);
            }

            if (ex is SocketException se && se.SocketErrorCode == SocketError.ConnectionRefused)
            {
                throw new DnsQueryException(DnsFailureKind.ConnectionRefused, name, $"{name} refused the TCP connection for {q}.", ex);
            }

            throw new DnsQueryException(DnsFailureKind.NetworkError, name, $"Asking {name} for {q} over TCP failed: {ex.Message}", ex);
        }
    }

    private static async Task ReadExactlyAsync(Socket socket, byte[] buffer, string server)
    {
        var got = 0;
        while (got < buffer.Length)
        {
            var n = await socket.ReceiveAsync(new ArraySegment<byte>(buffer, got, buffer.Length - got), SocketFlags.None).ConfigureAwait(false);
            if (n == 0)
            {
                throw new System.IO.IOException($"{server} closed the TCP connection before the whole reply arrived.");
            }

            got += n;
        }
    }
}
