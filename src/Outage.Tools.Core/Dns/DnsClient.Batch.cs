using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;

namespace Outage.Tools.Core.Dns;

/// <summary>One question of a bulk run, and what came of it: a response or the transport failure.</summary>
public sealed class DnsBatchItem
{
    /// <param name="question">The question, or null for an input the caller has already rejected (it is passed through in order).</param>
    /// <param name="state">Anything the caller wants back with the result.</param>
    public DnsBatchItem(DnsQuestion? question, object? state = null)
    {
        Question = question;
        State = state;
    }

    public DnsQuestion? Question { get; }

    public object? State { get; }

    public DnsResponse? Response { get; internal set; }

    public DnsQueryException? Error { get; internal set; }
}

public sealed partial class DnsClient
{
    /// <summary>
    /// Asks many questions with at most <paramref name="maxInFlight"/> outstanding and yields them in input order,
    /// each with the same outcome <see cref="QueryAsync"/> would give (servers in order, retries, failover on
    /// SERVFAIL/REFUSED, TCP after TC=1). UDP exchanges keep every rule of <see cref="ExchangeAsync"/> — a fresh
    /// socket, so a fresh OS-chosen source port, and a fresh random ID per query (RFC 5452 §9.2), a connected socket
    /// so only the queried server's datagrams arrive, ID and question checked — but they are driven from the
    /// caller's thread by one readiness wait (<see cref="Socket.Select"/>) over all sockets in flight, with no task,
    /// timer or thread-pool hop per query. This is what makes a bulk run fast (docs/performance.md). With
    /// <see cref="DnsQueryOptions.UseTcp"/> (and after TC=1) an exchange runs as a TCP task that the same loop polls.
    /// Reads at most 4 × <paramref name="maxInFlight"/> items ahead, so memory stays bounded for any input length.
    /// </summary>
    public IEnumerable<DnsBatchItem> QueryMany(IEnumerable<DnsBatchItem> items, int maxInFlight, CancellationToken cancellationToken = default)
    {
        if (items is null)
        {
            throw new ArgumentNullException(nameof(items));
        }

        if (maxInFlight < 1 || maxInFlight > 4096)
        {
            throw new ArgumentOutOfRangeException(nameof(maxInFlight), maxInFlight, "From 1 to 4096 queries may be in flight.");
        }

        return new Batch(this, maxInFlight, cancellationToken).Run(items);
    }

    /// <summary>The state of one bulk run. Single-threaded: only the enumerating thread touches it.</summary>
    private sealed class Batch
    {
        // The longest one readiness wait may block, so cancellation and deadlines are looked at often enough.
        private const int MaxWaitMicroseconds = 50_000;

        // The same while more input may arrive (IArrivingSequence): a name piped in is asked within this time.
        private const int ArrivingWaitMicroseconds = 10_000;

        private readonly DnsClient _client;
        private readonly int _maxInFlight;
        private readonly CancellationToken _ct;
        private readonly long _timeoutTicks;
        private readonly Dictionary<Socket, Exchange> _udp = new();
        private readonly List<Exchange> _tcp = new();
        private readonly byte[] _buffer = new byte[65535];
        private readonly byte[] _ids = new byte[512];
        private readonly string[] _serverNames;
        private int _idPos = 512;

        public Batch(DnsClient client, int maxInFlight, CancellationToken ct)
        {
            _client = client;
            _maxInFlight = maxInFlight;
            _ct = ct;
            _timeoutTicks = (long)(client.Options.Timeout.TotalSeconds * Stopwatch.Frequency);
            _serverNames = new string[client.Servers.Count];
            for (var i = 0; i < _serverNames.Length; i++)
            {
                _serverNames[i] = DnsServerAddress.Format(client.Servers[i]);
            }
        }

        private DnsQueryOptions Options => _client.Options;

        private IReadOnlyList<IPEndPoint> Servers => _client.Servers;

        private int InFlight => _udp.Count + _tcp.Count;

        public IEnumerable<DnsBatchItem> Run(IEnumerable<DnsBatchItem> items)
        {
            var window = new Queue<Exchange>();
            var readAhead = _maxInFlight * 4;
            var waiting = new Queue<Exchange>();
            // Input still arriving (names piped one by one): read it only when the next item is there, so the
            // exchanges in flight are served and answers handed out while the next name is awaited.
            var arriving = items as Outage.Tools.Core.Operations.IArrivingSequence<DnsBatchItem>;
            using var e = items.GetEnumerator();
            var more = true;
            try
            {
                while (true)
                {
                    _ct.ThrowIfCancellationRequested();
                    while (more && window.Count < readAhead)
                    {
                        if (arriving is not null && !arriving.WaitReady(window.Count > 0 || InFlight > 0 ? 0 : MaxWaitMicroseconds / 1000))
                        {
                            break;
                        }

                        more = e.MoveNext();
                        if (more)
                        {
                            var x = new Exchange(e.Current ?? throw new ArgumentException("A batch item is null.", nameof(items)));
                            window.Enqueue(x);
                            if (x.Item.Question is null)
                            {
                                x.Done = true;
                            }
                            else
                            {
                                waiting.Enqueue(x);
                            }
                        }
                    }

                    while (waiting.Count > 0 && InFlight < _maxInFlight)
                    {
                        StartNext(waiting.Dequeue());
                    }

                    while (window.Count > 0 && window.Peek().Done)
                    {
                        yield return window.Dequeue().Item;
                    }

                    if (window.Count == 0 && !more)
                    {
                        yield break;
                    }

                    if (InFlight > 0)
                    {
                        Wait(arriving is not null && more ? ArrivingWaitMicroseconds : MaxWaitMicroseconds);
                    }
                }
            }
            finally
            {
                // Abandoned early (an error, Stop, Select-Object -First) or cancelled: close every socket; let TCP
                // exchanges end (each has its own time limit) so no work outlives the enumeration.
                foreach (var s in _udp.Keys)
                {
                    s.Dispose();
                }

                _udp.Clear();
                foreach (var x in _tcp)
                {
                    try
                    {
                        x.Tcp!.Wait(Options.Timeout + TimeSpan.FromSeconds(1));
                    }
                    catch (AggregateException)
                    {
                    }
                }
            }
        }

        /// <summary>One readiness wait over every UDP socket in flight, then replies, TCP completions and deadlines.</summary>
        private void Wait(int maxWaitMicroseconds)
        {
            var now = Stopwatch.GetTimestamp();
            var wait = (long)maxWaitMicroseconds;
            foreach (var x in _udp.Values)
            {
                wait = Math.Min(wait, Math.Max(0, (x.Deadline - now) * 1_000_000 / Stopwatch.Frequency));
            }

            if (_tcp.Count > 0)
            {
                wait = Math.Min(wait, 2_000);
            }

            if (_udp.Count > 0)
            {
                var read = new List<Socket>(_udp.Keys);
                var error = new List<Socket>(read);
                Socket.Select(read, null, error, (int)Math.Max(wait, 1));
                foreach (var s in read)
                {
                    Receive(s);
                }

                foreach (var s in error)
                {
                    Receive(s);
                }
            }
            else
            {
                Task.WaitAny(_tcp.ConvertAll(x => (Task)x.Tcp!).ToArray(), (int)(wait / 1000) + 1);
            }

            for (var i = _tcp.Count - 1; i >= 0; i--)
            {
                if (_tcp[i].Tcp!.IsCompleted)
                {
                    var x = _tcp[i];
                    _tcp.RemoveAt(i);
                    TcpDone(x);
                }
            }

            now = Stopwatch.GetTimestamp();
            List<Exchange>? expired = null;
            foreach (var x in _udp.Values)
            {
                if (now >= x.Deadline)
                {
                    (expired ??= new List<Exchange>()).Add(x);
                }
            }

            if (expired is null)
            {
                return;
            }

            foreach (var x in expired)
            {
                var q = x.Item.Question!;
                Fail(x, new DnsQueryException(DnsFailureKind.Timeout, x.ServerName,
                    $"{x.ServerName} did not answer {q} over UDP within {Options.Timeout.TotalSeconds:0.###} s{x.Ignored}."));
            }
        }

        /// <summary>Reads every datagram waiting on a socket; the first one that answers the query ends the exchange.</summary>
        private void Receive(Socket socket)
        {
            if (!_udp.TryGetValue(socket, out var x))
            {
                return; // Listed as readable and in error: already handled.
            }

            var q = x.Item.Question!;
            for (var i = 0; i < 64; i++)
            {
                var n = socket.Receive(_buffer, 0, _buffer.Length, SocketFlags.None, out var err);
                if (err == SocketError.WouldBlock)
                {
                    return; // Nothing (more) there: keep waiting until the deadline.
                }

                if (err == SocketError.ConnectionRefused || err == SocketError.ConnectionReset)
                {
                    Fail(x, new DnsQueryException(DnsFailureKind.ConnectionRefused, x.ServerName, $"{x.ServerName} refused {q} over UDP (nothing listens on that port)."));
                    return;
                }

                if (err != SocketError.Success)
                {
                    Fail(x, new DnsQueryException(DnsFailureKind.NetworkError, x.ServerName, $"Sending {q} to {x.ServerName} over UDP failed: {err}."));
                    return;
                }

                var reply = AcceptDatagram(_buffer, n, x.Id, q, out var why);
                if (reply is null)
                {
                    x.Ignored.Note(why);
                    continue; // Not ours (RFC 5452 §9.1): ignored, never trusted.
                }

                Close(x);
                if (reply.Truncated)
                {
                    StartTcp(x);
                    return;
                }

                Answered(x, new DnsResponse(reply, x.ServerName, DnsTransport.Udp, n, Elapsed(x), false));
                return;
            }
        }

        private void StartTcp(Exchange x)
        {
            var q = x.Item.Question!;
            x.Id = NextId();
            var query = _client.EncodeQuery(x.Id, q);
            x.Tcp = _client.TcpAsync(Servers[x.ServerIndex], query, x.Id, q, _ct);
            _tcp.Add(x);
        }

        private void TcpDone(Exchange x)
        {
            var t = x.Tcp!;
            x.Tcp = null;
            if (t.Status == TaskStatus.RanToCompletion)
            {
                var (m, size) = t.Result;
                Answered(x, new DnsResponse(m, x.ServerName, DnsTransport.Tcp, size, Elapsed(x), true));
                return;
            }

            var ex = t.Exception?.GetBaseException();
            if (ex is DnsQueryException dqe)
            {
                Fail(x, dqe);
                return;
            }

            _ct.ThrowIfCancellationRequested();
            Fail(x, new DnsQueryException(DnsFailureKind.NetworkError, x.ServerName, $"Asking {x.ServerName} for {x.Item.Question} over TCP failed: {ex?.Message}", ex));
        }

        /// <summary>As <see cref="QueryAsync"/>: SERVFAIL/REFUSED moves on to the next server when failing over; anything else is the answer.</summary>
        private void Answered(Exchange x, DnsResponse response)
        {
            if (Options.FailoverOnServerFailure && Servers.Count > 1 &&
                (response.ResponseCode == DnsResponseCode.ServFail || response.ResponseCode == DnsResponseCode.Refused))
            {
                x.Fallback ??= response;
                StartNext(x);
                return;
            }

            x.Item.Response = response;
            x.Done = true;
        }

        private void Fail(Exchange x, DnsQueryException error)
        {
            Close(x);
            x.Last = error;
            StartNext(x);
        }

        /// <summary>The next (attempt, server) step of <see cref="QueryAsync"/>'s order, or the end of the item.</summary>
        private void StartNext(Exchange x)
        {
            var q = x.Item.Question!;
            while (true)
            {
                x.Step++;
                var attempt = x.Step / Servers.Count;
                x.ServerIndex = x.Step % Servers.Count;
                if (x.Step > 0 && x.ServerIndex == 0 && x.Fallback is not null)
                {
                    Finish(x, x.Fallback, null);
                    return;
                }

                if (attempt > Options.Retries)
                {
                    Finish(x, null, x.Last ?? new DnsQueryException(DnsFailureKind.Timeout, _serverNames[0], $"No server answered {q}."));
                    return;
                }

                var server = Servers[x.ServerIndex];
                x.ServerName = _serverNames[x.ServerIndex];
                x.Id = NextId();
                x.Started = Stopwatch.GetTimestamp();
                var query = _client.EncodeQuery(x.Id, q);
                if (Options.UseTcp)
                {
                    x.Tcp = _client.TcpAsync(server, query, x.Id, q, _ct);
                    _tcp.Add(x);
                    return;
                }

                var socket = new Socket(server.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
                try
                {
                    // connect() binds a fresh ephemeral port the OS picks at random and fixes the only peer whose
                    // datagrams this socket receives (RFC 5452 §9.1 source check).
                    socket.Blocking = false;
                    socket.Connect(server);
                    var sent = socket.Send(query, 0, query.Length, SocketFlags.None, out var err);
                    if (err != SocketError.Success || sent != query.Length)
                    {
                        throw new SocketException((int)err);
                    }
                }
                catch (SocketException ex)
                {
                    socket.Dispose();
                    x.Last = new DnsQueryException(DnsFailureKind.NetworkError, x.ServerName, $"Sending {q} to {x.ServerName} over UDP failed: {ex.Message}", ex);
                    continue;
                }

                x.Socket = socket;
                x.Deadline = x.Started + _timeoutTicks;
                _udp.Add(socket, x);
                return;
            }
        }

        private void Finish(Exchange x, DnsResponse? response, DnsQueryException? error)
        {
            x.Item.Response = response;
            x.Item.Error = error;
            x.Done = true;
        }

        private void Close(Exchange x)
        {
            if (x.Socket is not null)
            {
                _udp.Remove(x.Socket);
                x.Socket.Dispose();
                x.Socket = null;
            }
        }

        private static TimeSpan Elapsed(Exchange x) =>
            TimeSpan.FromTicks((Stopwatch.GetTimestamp() - x.Started) * TimeSpan.TicksPerSecond / Stopwatch.Frequency);

        /// <summary>A random 16-bit ID from the cryptographic generator, drawn 256 at a time (RFC 5452 §9.2).</summary>
        private ushort NextId()
        {
            if (_idPos >= _ids.Length)
            {
                lock (_client._randomLock)
                {
                    _client._random.GetBytes(_ids);
                }

                _idPos = 0;
            }

            var id = (ushort)((_ids[_idPos] << 8) | _ids[_idPos + 1]);
            _idPos += 2;
            return id;
        }
    }

    private sealed class Exchange
    {
        public Exchange(DnsBatchItem item) => Item = item;

        public DnsBatchItem Item { get; }

        public int Step { get; set; } = -1;

        public int ServerIndex { get; set; }

        public string ServerName { get; set; } = "";

        public ushort Id { get; set; }

        public long Started { get; set; }

        public long Deadline { get; set; }

        public Socket? Socket { get; set; }

        public Task<(DnsMessage, int)>? Tcp { get; set; }

        public DnsResponse? Fallback { get; set; }

        public DnsQueryException? Last { get; set; }

        public bool Done { get; set; }

        /// <summary>Datagrams that were not the reply (for the timeout message).</summary>
        public IgnoredReplies Ignored { get; } = new();
    }
}
