using System.Net;
using Outage.Tools.Core;
using Outage.Tools.Core.Dns;
using Outage.Tools.Core.Operations;
using Outage.Tools.Tests.Dns;
using Xunit;

namespace Outage.Tools.Core.Tests.Dns;

[Collection(BindCollection.Name)]
public sealed class DnsClientBindTests
{
    private readonly BindFixture _bind;

    public DnsClientBindTests(BindFixture bind) => _bind = bind;

    private DnsClient Client(params string[] servers) =>
        new(servers.Select(DnsServerAddress.Parse), new DnsQueryOptions { Timeout = TimeSpan.FromSeconds(2), Retries = 0 });

    [Fact]
    public async Task Mx_answer_is_typed_and_authoritative()
    {
        var r = await Client(_bind.Ns1).QueryAsync("example.test", DnsRecordType.MX);
        Assert.Equal(DnsResponseCode.NoError, r.ResponseCode);
        Assert.True(r.AuthoritativeAnswer);
        Assert.Equal(DnsTransport.Udp, r.Transport);
        Assert.Equal(1232, r.EdnsUdpSize);
        var mx = r.Answer.OfType<DnsMxRecord>().OrderBy(m => m.Preference).ToList();
        Assert.Equal(new ushort[] { 10, 20 }, mx.Select(m => m.Preference));
        Assert.Equal("mail.example.test.", mx[0].Exchange);
        Assert.All(r.Answer, a => Assert.Equal(_bind.Ns1, a.Server));
        // Additional section carries the glue addresses of the exchanges (minimal-responses no).
        Assert.Contains(r.Additional, a => a is DnsARecord x && x.Name == "mail.example.test.");
    }

    [Fact]
    public async Task Big_txt_is_truncated_over_udp_and_fetched_over_tcp()
    {
        var r = await Client(_bind.Ns1).QueryAsync("big.example.test", DnsRecordType.TXT);
        Assert.Equal(DnsTransport.Tcp, r.Transport);
        Assert.True(r.TruncatedOverUdp);
        var txt = Assert.IsType<DnsTxtRecord>(Assert.Single(r.Answer));
        Assert.Equal(6, txt.Strings.Count);
        Assert.True(r.Size > 1232);
    }

    [Fact]
    public async Task Tcp_only_works()
    {
        var c = new DnsClient(new[] { _bind.Ns1EndPoint }, new DnsQueryOptions { UseTcp = true, Retries = 0 });
        var r = await c.QueryAsync("example.test", DnsRecordType.SOA);
        Assert.Equal(DnsTransport.Tcp, r.Transport);
        Assert.Equal(2024010101u, Assert.IsType<DnsSoaRecord>(Assert.Single(r.Answer)).SerialNumber);
    }

    [Fact]
    public async Task Second_instance_has_another_serial_and_refuses_other_zones()
    {
        var r = await Client(_bind.Ns2).QueryAsync("example.test", DnsRecordType.SOA);
        Assert.Equal(2024010199u, Assert.IsType<DnsSoaRecord>(Assert.Single(r.Answer)).SerialNumber);
        var refused = await Client(_bind.Ns2).QueryAsync("other.test", DnsRecordType.A);
        Assert.Equal(DnsResponseCode.Refused, refused.ResponseCode);
    }

    [Theory]
    [InlineData("nope.example.test", DnsResponseCode.NXDomain)]
    [InlineData("www.broken.test", DnsResponseCode.ServFail)]
    [InlineData("a.servfail.test", DnsResponseCode.ServFail)]
    public async Task Error_rcodes_come_back(string name, DnsResponseCode expected)
    {
        var r = await Client(_bind.Ns1).QueryAsync(name, DnsRecordType.A);
        Assert.Equal(expected, r.ResponseCode);
    }

    [Fact]
    public async Task Server_that_never_answers_times_out_and_failover_reaches_the_next()
    {
        var c = new DnsClient(new[] { DnsServerAddress.Parse(_bind.Blackhole) }, new DnsQueryOptions { Timeout = TimeSpan.FromMilliseconds(300), Retries = 1 });
        var ex = await Assert.ThrowsAsync<DnsQueryException>(() => c.QueryAsync("example.test", DnsRecordType.A));
        Assert.Equal(DnsFailureKind.Timeout, ex.Kind);

        var both = new DnsClient(new[] { DnsServerAddress.Parse(_bind.Blackhole), _bind.Ns1EndPoint },
            new DnsQueryOptions { Timeout = TimeSpan.FromMilliseconds(1500), Retries = 0 });
        var r = await both.QueryAsync("example.test", DnsRecordType.A);
        Assert.Equal(_bind.Ns1, r.Server);
    }

    [Fact]
    public async Task Closed_port_is_a_connection_failure_not_a_hang()
    {
        var c = new DnsClient(new[] { DnsServerAddress.Parse(_bind.Closed) }, new DnsQueryOptions { Timeout = TimeSpan.FromSeconds(5), Retries = 0 });
        var ex = await Assert.ThrowsAsync<DnsQueryException>(() => c.QueryAsync("example.test", DnsRecordType.A));
        Assert.Equal(DnsFailureKind.ConnectionRefused, ex.Kind);
    }

    [Fact]
    public async Task Servfail_fails_over_to_a_server_that_answers()
    {
        var c = new DnsClient(new[] { _bind.Ns2EndPointOr(), _bind.Ns1EndPoint }, new DnsQueryOptions { Retries = 0 });
        var r = await c.QueryAsync("1.0.0.127.in-addr.arpa", DnsRecordType.PTR);
        Assert.Equal(_bind.Ns1, r.Server);
        Assert.Equal("mail.example.test.", Assert.IsType<DnsPtrRecord>(Assert.Single(r.Answer)).Target);
    }

    [Fact]
    public void Resolve_operation_gives_records_and_per_name_errors_with_categories()
    {
        var request = new DnsResolveRequest
        {
            Names = new[] { "example.test", "nope.example.test", "www.broken.test", "chain.example.test" },
            Timeout = TimeSpan.FromSeconds(2),
            Retry = 0,
        };
        request.Servers.Add(_bind.Ns1);
        request.Types.Add(DnsRecordType.A);
        var outcomes = DnsResolve.Run(request).ToList();
        var records = outcomes.Where(o => o.Kind == OutcomeKind.Result).Select(o => o.Value!).ToList();
        Assert.Contains(records, r => r.Name == "example.test." && r.Data == "127.0.0.1");
        Assert.Contains(records, r => r.Name == "chain.example.test." && r is DnsCnameRecord);
        var errors = outcomes.Where(o => o.Kind == OutcomeKind.Error).Select(o => o.Error!).ToList();
        Assert.Contains(errors, e => e.ErrorId == ErrorIds.DnsNameNotFound && e.Category == OutageErrorCategory.ObjectNotFound && (string)e.Target! == "nope.example.test.");
        Assert.Contains(errors, e => e.ErrorId == ErrorIds.DnsServerFailure && e.Category == OutageErrorCategory.ResourceUnavailable);
    }

    [Fact]
    public void Resolve_operation_gives_one_NXDOMAIN_error_per_name_whatever_the_number_of_types()
    {
        var request = new DnsResolveRequest { Names = new[] { "nope.example.test", "NOPE.example.test.", "gone.example.test" }, Timeout = TimeSpan.FromSeconds(2), Retry = 0 };
        request.Servers.Add(_bind.Ns1);
        request.Types.Add(DnsRecordType.A);
        request.Types.Add(DnsRecordType.AAAA);
        request.Types.Add(DnsRecordType.MX);
        var errors = DnsResolve.Run(request).Where(o => o.Kind == OutcomeKind.Error).Select(o => o.Error!).ToList();
        Assert.Equal(2, errors.Count);
        Assert.All(errors, e => Assert.Equal(ErrorIds.DnsNameNotFound, e.ErrorId));
        Assert.Equal(new[] { "nope.example.test.", "gone.example.test." }, errors.Select(e => ((string)e.Target!).ToLowerInvariant()));
    }

    [Fact]
    public void Resolve_timeout_is_a_per_name_error()
    {
        var request = new DnsResolveRequest { Names = new[] { "example.test" }, Timeout = TimeSpan.FromMilliseconds(200), Retry = 0 };
        request.Servers.Add(_bind.Blackhole);
        // Default types are A and AAAA: one timeout error for each question, nothing else.
        var outcomes = DnsResolve.Run(request).ToList();
        Assert.Equal(2, outcomes.Count);
        Assert.All(outcomes, o =>
        {
            Assert.Equal(ErrorIds.DnsTimeout, o.Error!.ErrorId);
            Assert.Equal(OutageErrorCategory.OperationTimeout, o.Error.Category);
        });
    }

    [Fact]
    public void Bulk_resolve_keeps_input_order()
    {
        var names = Enumerable.Range(0, 2000).Select(i => i % 3 == 0 ? "mail.example.test" : i % 3 == 1 ? $"n{i}.example.test" : "www.example.test").ToList();
        var request = new DnsResolveRequest { Names = names, ThrottleLimit = 128, Retry = 2 };
        request.Servers.Add(_bind.Ns1);
        request.Types.Add(DnsRecordType.A);
        var raw = DnsResolve.RunRaw(request).ToList();
        Assert.Equal(2000, raw.Count);
        Assert.All(raw, o => Assert.Equal(OutcomeKind.Result, o.Kind));
        Assert.Equal(names.Select(DnsName.Fqdn), raw.Select(o => o.Value!.Name), StringComparer.OrdinalIgnoreCase);
        Assert.Equal(names.Count(n => n.StartsWith('n')), raw.Count(o => o.Value!.ResponseCode == DnsResponseCode.NXDomain));
    }
}

internal static class BindFixtureExtensions
{
    /// <summary>ns2 refuses the reverse zone: a server that answers REFUSED, for failover.</summary>
    public static IPEndPoint Ns2EndPointOr(this BindFixture f) => new(IPAddress.Loopback, f.Ns2Port);
}
