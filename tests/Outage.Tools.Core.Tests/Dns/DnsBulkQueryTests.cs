using System.Net;
using System.Net.Sockets;
using Outage.Tools.Core.Dns;
using Outage.Tools.Tests.Dns;
using Xunit;

namespace Outage.Tools.Core.Tests.Dns;

/// <summary>
/// <see cref="DnsClient.QueryMany"/>, the bulk path behind Resolve-DnsRecord: the same outcome per question as
/// <see cref="DnsClient.QueryAsync"/> against real BIND, the same distrust of forged replies against servers of our
/// own, a fresh source port and ID per query, and nothing left open when a run is cancelled or abandoned.
/// </summary>
[Collection(BindCollection.Name)]
public sealed class DnsBulkQueryTests
{
    private readonly BindFixture _bind;

    public DnsBulkQueryTests(BindFixture bind) => _bind = bind;

    private static DnsClient Client(IEnumerable<IPEndPoint> servers, int timeoutMs = 2000, int retries = 0, bool tcp = false) =>
        new(servers, new DnsQueryOptions { Timeout = TimeSpan.FromMilliseconds(timeoutMs), Retries = retries, UseTcp = tcp });

    private static IEnumerable<DnsBatchItem> Items(IEnumerable<(string Name, DnsRecordType Type)> questions) =>
        questions.Select(q => new DnsBatchItem(new DnsQuestion(q.Name, q.Type), q));

    private static readonly (string Name, DnsRecordType Type)[] FixtureQuestions =
    {
        ("example.test", DnsRecordType.A), ("example.test", DnsRecordType.MX), ("example.test", DnsRecordType.SOA),
        ("mail.example.test", DnsRecordType.AAAA), ("www.example.test", DnsRecordType.A), ("chain.example.test", DnsRecordType.A),
        ("big.example.test", DnsRecordType.TXT), ("nope.example.test", DnsRecordType.A), ("www.broken.test", DnsRecordType.A),
        ("a.servfail.test", DnsRecordType.A), ("example.test", DnsRecordType.NS), ("example.test", DnsRecordType.TXT),
    };

    private static string Shape(DnsResponse r) =>
        $"{r.ResponseCode} {r.Transport} tc={r.TruncatedOverUdp} aa={r.AuthoritativeAnswer} " +
        string.Join(" | ", r.Answer.Select(a => $"{a.Name} {a.Type} {a.Data}").OrderBy(s => s, StringComparer.Ordinal));

    [Fact]
    public async Task Every_fixture_question_gets_the_same_outcome_as_a_single_query()
    {
        // Each question three times, in input order, with rejected (null) items passed through in place.
        var questions = Enumerable.Range(0, 3).SelectMany(_ => FixtureQuestions).ToList();
        var items = new List<DnsBatchItem>();
        foreach (var q in questions)
        {
            items.Add(new DnsBatchItem(new DnsQuestion(q.Name, q.Type), q));
            items.Add(new DnsBatchItem(null, "rejected"));
        }

        var bulk = Client(new[] { _bind.Ns1EndPoint }).QueryMany(items, 8).ToList();
        Assert.Equal(items, bulk);
        for (var i = 0; i < bulk.Count; i += 2)
        {
            var (name, type) = ((string, DnsRecordType))bulk[i].State!;
            var single = await Client(new[] { _bind.Ns1EndPoint }).QueryAsync(name, type);
            Assert.Null(bulk[i].Error);
            Assert.Equal(Shape(single), Shape(bulk[i].Response!));
            Assert.Equal(_bind.Ns1, bulk[i].Response!.Server);
            Assert.Null(bulk[i + 1].Response);
            Assert.Null(bulk[i + 1].Error);
        }

        // The big TXT answer came over TCP after TC=1 (RFC 7766), as for a single query.
        Assert.Contains(bulk, b => b.Response is { Transport: DnsTransport.Tcp, TruncatedOverUdp: true });
    }

    [Fact]
    public void Tcp_option_sends_every_question_over_tcp()
    {
        var bulk = Client(new[] { _bind.Ns1EndPoint }, tcp: true).QueryMany(Items(FixtureQuestions), 4).ToList();
        Assert.All(bulk, b => Assert.Equal(DnsTransport.Tcp, b.Response!.Transport));
        Assert.Equal(2024010101u, Assert.IsType<DnsSoaRecord>(Assert.Single(bulk[2].Response!.Answer)).SerialNumber);
    }

    [Fact]
    public void A_silent_server_fails_over_to_the_next_and_a_closed_port_is_refused()
    {
        var silentFirst = Client(new[] { DnsServerAddress.Parse(_bind.Blackhole), _bind.Ns1EndPoint }, timeoutMs: 1500)
            .QueryMany(Items(Enumerable.Repeat(("example.test", DnsRecordType.A), 20)), 8).ToList();
        Assert.All(silentFirst, b => Assert.Equal(_bind.Ns1, b.Response!.Server));

        var silentOnly = Client(new[] { DnsServerAddress.Parse(_bind.Blackhole) }, timeoutMs: 200, retries: 1)
            .QueryMany(Items(Enumerable.Repeat(("example.test", DnsRecordType.A), 10)), 8).ToList();
        Assert.All(silentOnly, b => Assert.Equal(DnsFailureKind.Timeout, b.Error!.Kind));
        Assert.All(silentOnly, b => Assert.Contains(_bind.Blackhole, b.Error!.Message, StringComparison.Ordinal));

        var closed = Client(new[] { DnsServerAddress.Parse(_bind.Closed) }, timeoutMs: 5000)
            .QueryMany(Items(Enumerable.Repeat(("example.test", DnsRecordType.A), 10)), 8).ToList();
        Assert.All(closed, b => Assert.Equal(DnsFailureKind.ConnectionRefused, b.Error!.Kind));
    }

    [Fact]
    public void Refused_fails_over_like_a_single_query_and_comes_back_when_no_server_answers_better()
    {
        var ptr = Enumerable.Repeat(("1.0.0.127.in-addr.arpa", DnsRecordType.PTR), 10).ToList();
        var over = Client(new[] { _bind.Ns2EndPointOr(), _bind.Ns1EndPoint }).QueryMany(Items(ptr), 4).ToList();
        Assert.All(over, b => Assert.Equal(_bind.Ns1, b.Response!.Server));
        Assert.All(over, b => Assert.Equal("mail.example.test.", Assert.IsType<DnsPtrRecord>(Assert.Single(b.Response!.Answer)).Target));

        // Both refuse: the first REFUSED is the answer, not an error (as QueryAsync does).
        var other = Enumerable.Repeat(("other.test", DnsRecordType.A), 5).ToList();
        var refused = Client(new[] { _bind.Ns2EndPointOr(), _bind.Ns2EndPointOr() }).QueryMany(Items(other), 4).ToList();
        Assert.All(refused, b => Assert.Equal(DnsResponseCode.Refused, b.Response!.ResponseCode));
    }

    [Fact]
    public void Forged_replies_are_ignored_and_the_real_answer_taken_for_every_question()
    {
        using var server = new UdpTestServer(UdpTestServer.ForgedThenReal, maxQueries: 100);
        var bulk = Client(new[] { server.EndPoint }).QueryMany(Items(Enumerable.Range(0, 100).Select(i => ($"v{i}.example", DnsRecordType.A))), 16).ToList();
        Assert.All(bulk, b => Assert.Equal("192.0.2.1", Assert.Single(b.Response!.Answer).Data));
        Assert.Equal(Enumerable.Range(0, 100).Select(i => $"v{i}.example."), bulk.Select(b => b.Response!.Name));
    }

    [Fact]
    public void Only_forged_replies_end_in_timeouts_not_trusted_answers()
    {
        using var server = new UdpTestServer(q => new[]
        {
            UdpTestServer.Answer(q, id: (ushort)(q.Id + 1)), UdpTestServer.Answer(q, qname: "other.example."), UdpTestServer.CompressionLoop(q.Id),
        }, maxQueries: 20);
        var bulk = Client(new[] { server.EndPoint }, timeoutMs: 300).QueryMany(Items(Enumerable.Range(0, 20).Select(i => ($"v{i}.example", DnsRecordType.A))), 8).ToList();
        Assert.All(bulk, b =>
        {
            Assert.Null(b.Response);
            Assert.Equal(DnsFailureKind.Timeout, b.Error!.Kind);
        });
    }

    [Fact]
    public void Each_query_has_its_own_source_port_and_a_random_id()
    {
        const int n = 400;
        using var server = new UdpTestServer(q => new[] { UdpTestServer.Answer(q) }, maxQueries: n);
        var bulk = Client(new[] { server.EndPoint }).QueryMany(Items(Enumerable.Range(0, n).Select(i => ($"p{i}.example", DnsRecordType.A))), 8).ToList();
        Assert.All(bulk, b => Assert.NotNull(b.Response));
        var seen = server.Seen.ToList();
        Assert.Equal(n, seen.Count);

        // At most 8 sockets are open at a time, so ports could repeat if they were reused; the OS picks each at
        // random from its ephemeral range (tens of thousands), so a handful of repeats at most.
        Assert.True(seen.Select(s => s.Port).Distinct().Count() >= n - 10, $"distinct source ports: {seen.Select(s => s.Port).Distinct().Count()} of {n}");
        Assert.True(seen.Select(s => s.Id).Distinct().Count() >= n - 10, $"distinct IDs: {seen.Select(s => s.Id).Distinct().Count()} of {n}");
        // Not a counter of any stride: the differences between consecutive IDs are spread out, none repeating often.
        var commonestStep = seen.Zip(seen.Skip(1), (a, b) => (b.Id - a.Id) & 0xFFFF).GroupBy(d => d).Max(g => g.Count());
        Assert.True(commonestStep < 5, $"one difference between consecutive IDs occurs {commonestStep} times");
    }

    [Fact]
    public async Task A_truncated_udp_reply_is_fetched_again_over_tcp()
    {
        using var server = new UdpTestServer(q =>
        {
            var m = new DnsMessage { Id = q.Id, IsResponse = true, Truncated = true };
            m.Questions.Add(q.Questions[0]);
            return new[] { m.ToArray() };
        }, maxQueries: 5);
        using var listener = new TcpListener(IPAddress.Loopback, server.EndPoint.Port);
        listener.Start();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var serve = TcpTestServer.Serve(listener, 5, q => UdpTestServer.Answer(q, address: "192.0.2.99"), cts.Token);
        var bulk = Client(new[] { server.EndPoint }).QueryMany(Items(Enumerable.Range(0, 5).Select(i => ($"t{i}.example", DnsRecordType.A))), 1).ToList();
        Assert.All(bulk, b =>
        {
            Assert.Equal(DnsTransport.Tcp, b.Response!.Transport);
            Assert.True(b.Response.TruncatedOverUdp);
            Assert.Equal("192.0.2.99", Assert.Single(b.Response.Answer).Data);
        });
        await serve.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public void Cancelling_or_abandoning_a_run_closes_its_sockets()
    {
        var blackhole = DnsServerAddress.Parse(_bind.Blackhole);
        var questions = Items(Enumerable.Range(0, 2000).Select(i => ($"c{i}.example.test", DnsRecordType.A)));
        var before = OpenDescriptors();

        using (var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(300)))
        {
            var run = Client(new[] { blackhole }, timeoutMs: 60_000).QueryMany(questions, 256, cts.Token);
            Assert.ThrowsAny<OperationCanceledException>(() => run.ToList());
        }

        Assert.InRange(OpenDescriptors(), 0, before + 16);

        // Abandoned: the first answers are taken and the enumeration disposed with 255 queries still in flight.
        var mixed = Items(Enumerable.Range(0, 2000).Select(i => ($"m{i}.example.test", DnsRecordType.A)));
        var first = Client(new[] { _bind.Ns1EndPoint }).QueryMany(mixed, 256).Take(3).ToList();
        Assert.Equal(3, first.Count);
        Assert.InRange(OpenDescriptors(), 0, before + 16);
    }

    [Fact]
    public async Task Arriving_input_is_answered_while_the_next_question_is_awaited()
    {
        // Piped names arrive one at a time: the first answer must come out (and must not time out) while the run
        // waits for the second question, instead of the run blocking on its input with the query unattended.
        using var queue = new Outage.Tools.Core.Tests.Operations.TestArrivingQueue<DnsBatchItem>();
        queue.Add(new DnsBatchItem(new DnsQuestion("mail.example.test", DnsRecordType.A), 1));
        using var e = Client(new[] { _bind.Ns1EndPoint }, timeoutMs: 500).QueryMany(queue, 8).GetEnumerator();
        var first = Task.Run(() => e.MoveNext());
        Assert.True(await Task.WhenAny(first, Task.Delay(TimeSpan.FromSeconds(10))) == first, "The first answer did not come out while the input stayed open.");
        Assert.True(await first);
        Assert.Null(e.Current.Error);
        Assert.Equal(1, e.Current.State);

        queue.Add(new DnsBatchItem(new DnsQuestion("www.example.test", DnsRecordType.A), 2));
        queue.Add(new DnsBatchItem(null, 3));
        queue.Complete();
        Assert.True(e.MoveNext());
        Assert.Null(e.Current.Error);
        Assert.Equal(2, e.Current.State);
        Assert.True(e.MoveNext());
        Assert.Equal(3, e.Current.State);
        Assert.False(e.MoveNext());
    }

    [Fact]
    public void Arguments_are_checked()
    {
        var c = Client(new[] { _bind.Ns1EndPoint });
        Assert.Throws<ArgumentNullException>(() => c.QueryMany(null!, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => c.QueryMany(Array.Empty<DnsBatchItem>(), 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => c.QueryMany(Array.Empty<DnsBatchItem>(), 5000));
        Assert.Empty(c.QueryMany(Array.Empty<DnsBatchItem>(), 1));
    }

    private static int OpenDescriptors() => Directory.GetFiles("/proc/self/fd").Length;
}
