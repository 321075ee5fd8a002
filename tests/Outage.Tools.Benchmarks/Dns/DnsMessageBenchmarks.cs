using BenchmarkDotNet.Attributes;
using Outage.Tools.Core.Dns;

namespace Outage.Tools.Benchmarks.Dns;

/// <summary>
/// Encode and decode of DNS messages (RFC 1035 wire format with compression and EDNS OPT).
/// dotnet run -c Release --project tests/Outage.Tools.Benchmarks -- --filter '*DnsMessage*'
/// </summary>
[MemoryDiagnoser]
public class DnsMessageBenchmarks
{
    private byte[] _response = Array.Empty<byte>();
    private byte[] _query = Array.Empty<byte>();

    [GlobalSetup]
    public void Setup()
    {
        var question = new DnsQuestion("example.test", DnsRecordType.TXT);
        _query = DnsMessage.CreateQuery(0x1234, question).ToArray();
        var m = new DnsMessage { Id = 0x1234, IsResponse = true, AuthoritativeAnswer = true, RecursionDesired = true };
        m.Questions.Add(question);
        m.Answers.Add(DnsTxtRecord.FromText("example.test", 300, "v=spf1 ip4:192.0.2.0/24 include:_spf.example.test -all"));
        m.Answers.Add(DnsTxtRecord.FromText("example.test", 300, "google-site-verification=0123456789abcdef"));
        m.Answers.Add(DnsTxtRecord.FromText("example.test", 300, new string('x', 200), new string('y', 200)));
        m.Authority.Add(DnsTxtRecord.FromText("ns1.example.test", 300, "authority"));
        m.Additional.Add(DnsTxtRecord.FromText("mail.example.test", 300, "additional"));
        _response = m.ToArray();
    }

    [Benchmark]
    public byte[] EncodeQuery() => DnsMessage.CreateQuery(0x1234, new DnsQuestion("mail.example.test", DnsRecordType.A)).ToArray();

    [Benchmark]
    public DnsMessage DecodeQuery() => DnsMessage.Parse(_query);

    [Benchmark]
    public DnsMessage DecodeResponse() => DnsMessage.Parse(_response);

    [Benchmark]
    public int DecodeResponseAndFormat()
    {
        var m = DnsMessage.Parse(_response);
        var n = 0;
        foreach (var r in m.Answers)
        {
            n += r.Data.Length;
        }

        return n;
    }
}
