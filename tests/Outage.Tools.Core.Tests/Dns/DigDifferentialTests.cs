using System.Diagnostics;
using System.Text.RegularExpressions;
using Outage.Tools.Core.Dns;
using Outage.Tools.Tests.Dns;
using Xunit;

namespace Outage.Tools.Core.Tests.Dns;

/// <summary>For every (name, type) of the fixture zones, our answer set equals what <c>dig +short</c> prints from the same server.</summary>
[Collection(BindCollection.Name)]
public sealed class DigDifferentialTests
{
    private readonly BindFixture _bind;

    public DigDifferentialTests(BindFixture bind) => _bind = bind;

    public static TheoryData<string, string> Questions => new()
    {
        { "example.test", "SOA" }, { "example.test", "NS" }, { "example.test", "MX" }, { "example.test", "TXT" },
        { "example.test", "A" }, { "example.test", "AAAA" }, { "example.test", "CAA" }, { "example.test", "HTTPS" },
        { "ns1.example.test", "A" }, { "mail.example.test", "A" }, { "mail.example.test", "AAAA" }, { "mx2.example.test", "A" },
        { "_spf.example.test", "TXT" }, { "_dmarc.example.test", "TXT" }, { "selector1._domainkey.example.test", "TXT" },
        { "_mta-sts.example.test", "TXT" }, { "_smtp._tls.example.test", "TXT" }, { "autodiscover.example.test", "CNAME" },
        { "autodiscover.example.test", "A" }, { "www.example.test", "CNAME" }, { "chain.example.test", "A" },
        { "_autodiscover._tcp.example.test", "SRV" }, { "_submission._tcp.example.test", "SRV" }, { "old.example.test", "DNAME" },
        { "quoted.example.test", "TXT" }, { "empty.example.test", "TXT" }, { "multi.example.test", "TXT" },
        { "sub.example.test", "DS" }, { "key.example.test", "DNSKEY" }, { "_25._tcp.mail.example.test", "TLSA" },
        { "svc.example.test", "SVCB" }, { "opaque.example.test", "TYPE65280" }, { "ptrhost.example.test", "PTR" },
        { "big.example.test", "TXT" }, { "many.example.test", "A" }, { "1.0.0.127.in-addr.arpa", "PTR" },
        { "www.old.example.test", "A" }, { "nope.example.test", "A" }, { "example.test", "SRV" },
    };

    [Theory]
    [MemberData(nameof(Questions))]
    public async Task Answer_set_equals_dig_short(string name, string type)
    {
        var t = type.StartsWith("TYPE", StringComparison.Ordinal) ? (DnsRecordType)ushort.Parse(type.AsSpan(4)) : Enum.Parse<DnsRecordType>(type);
        var client = new DnsClient(new[] { _bind.Ns1EndPoint }, new DnsQueryOptions { Retries = 2 });
        var response = await client.QueryAsync(name, t);
        var ours = response.Answer.Select(a => Normalize(a.Type, a.Data)).OrderBy(x => x, StringComparer.Ordinal).ToList();
        var theirs = Dig(name, type).Select(line => Normalize(t, line, fromDig: true)).OrderBy(x => x, StringComparer.Ordinal).ToList();
        Assert.Equal(theirs, ours);
    }

    /// <summary>dig splits long hex/base64 fields into blocks and upper-cases hex: compare without that presentation noise.</summary>
    private static string Normalize(DnsRecordType type, string data, bool fromDig = false)
    {
        _ = fromDig;
        return type is DnsRecordType.DS or DnsRecordType.DNSKEY or DnsRecordType.TLSA or DnsRecordType.RRSIG
            ? Regex.Replace(data, @"(?<=\S{20,}) (?=\S)", "").ToUpperInvariant()
            : data;
    }

    private List<string> Dig(string name, string type)
    {
        var psi = new ProcessStartInfo("dig", $"+short +tries=3 +time=2 @127.0.0.1 -p {_bind.Ns1Port} {name} {type}")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var p = Process.Start(psi) ?? throw new InvalidOperationException("dig did not start; install bind9-dnsutils.");
        var output = p.StandardOutput.ReadToEnd();
        Assert.True(p.WaitForExit(30_000), "dig did not finish");
        Assert.Equal(0, p.ExitCode);
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => !l.StartsWith(";;", StringComparison.Ordinal)).ToList();
    }
}
