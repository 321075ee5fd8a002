using System.Net;
using Outage.Tools.Core.Dns;
using Outage.Tools.Core.Endpoints;
using Xunit;

namespace Outage.Tools.Core.Tests.Dns;

/// <summary>
/// Answers a hostile server may send for names that were not asked (issue 14): only records for the question and
/// its CNAME chain count, and a reply that was not taken is described, not summed up as "did not answer".
/// </summary>
public sealed class DnsTrustTests
{
    private static byte[] Reply(DnsMessage query, params DnsRecord[] answers)
    {
        var q = query.Questions[0];
        var m = new DnsMessage { Id = query.Id, IsResponse = true, RecursionDesired = query.RecursionDesired, AuthoritativeAnswer = true };
        m.Questions.Add(new DnsQuestion(q.Name, q.Type));
        m.Answers.AddRange(answers);
        return m.ToArray();
    }

    private static DnsCnameRecord Cname(string name, string target) =>
        new() { Name = DnsName.Fqdn(name), Type = DnsRecordType.CNAME, Ttl = 300, Target = DnsName.Fqdn(target), Section = DnsSection.Answer };

    private static DnsClient Client(UdpTestServer server, int timeoutMs = 1500) =>
        new(new[] { server.EndPoint }, new DnsQueryOptions { Timeout = TimeSpan.FromMilliseconds(timeoutMs), Retries = 0 });

    [Fact]
    public async Task Answer_records_for_another_name_are_dropped_and_listed_as_ignored()
    {
        using var server = new UdpTestServer(q => new[]
        {
            Reply(q, DnsMessageFactory.A("evil.example", "192.0.2.66"), DnsMessageFactory.A(q.Questions[0].Name, "192.0.2.1")),
        }, maxQueries: 5);
        var r = await Client(server).QueryAsync("victim.example", DnsRecordType.A);
        Assert.Equal("192.0.2.1", Assert.Single(r.Answer).Data);
        Assert.Equal("evil.example.", Assert.Single(r.IgnoredAnswers).Name);
    }

    [Fact]
    public async Task Records_on_the_CNAME_chain_are_kept_in_any_order()
    {
        using var server = new UdpTestServer(q => new[]
        {
            Reply(q, DnsMessageFactory.A("target.example", "192.0.2.5"), Cname("mid.example", "target.example"),
                Cname(q.Questions[0].Name, "mid.example"), DnsMessageFactory.A("elsewhere.example", "192.0.2.66")),
        }, maxQueries: 5);
        var r = await Client(server).QueryAsync("victim.example", DnsRecordType.A);
        Assert.Equal(3, r.Answer.Count);
        Assert.Contains(r.Answer, a => a.Data == "192.0.2.5");
        Assert.Equal("elsewhere.example.", Assert.Single(r.IgnoredAnswers).Name);
    }

    [Fact]
    public async Task The_endpoint_resolver_never_returns_an_address_owned_by_another_name()
    {
        using var server = new UdpTestServer(q => new[] { Reply(q, DnsMessageFactory.A("evil.example", "192.0.2.66")) }, maxQueries: 10);
        var resolver = new DnsHostResolver(server.EndPoint.ToString(), TimeSpan.FromSeconds(2));
        var ex = await Assert.ThrowsAsync<DnsLookupException>(() => resolver.ResolveAsync("victim.example", System.Net.Sockets.AddressFamily.InterNetwork, CancellationToken.None));
        Assert.Contains("has no address", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("wrong", "a reply with the wrong ID")]
    [InlineData("question", "a reply to another question (other.example. A)")]
    [InlineData("loop", "a malformed reply")]
    [InlineData("short", "shorter than a DNS header")]
    public async Task A_timeout_after_replies_that_were_not_taken_says_what_was_wrong_with_them(string kind, string expected)
    {
        using var server = new UdpTestServer(q => new[]
        {
            kind switch
            {
                "wrong" => UdpTestServer.Answer(q, id: (ushort)(q.Id ^ 0x0101)),
                "question" => UdpTestServer.Answer(q, qname: "other.example."),
                "loop" => UdpTestServer.CompressionLoop((ushort)(q.Id ^ 1)),
                _ => new byte[] { 1, 2, 3 },
            },
        }, maxQueries: 5);
        var ex = await Assert.ThrowsAsync<DnsQueryException>(() => Client(server, 500).QueryAsync("victim.example", DnsRecordType.A));
        Assert.Equal(DnsFailureKind.Timeout, ex.Kind);
        Assert.Contains("datagram(s) that were not the reply, the last ", ex.Message, StringComparison.Ordinal);
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }
}
