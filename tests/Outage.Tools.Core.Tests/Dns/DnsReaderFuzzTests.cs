using Outage.Tools.Core.Dns;
using Xunit;

namespace Outage.Tools.Core.Tests.Dns;

/// <summary>
/// Bounded fuzzing of the message reader: mutations of real messages and random bytes either parse or throw
/// <see cref="DnsFormatException"/>; never another exception, never a hang (the count is fixed, the seed too).
/// </summary>
public sealed class DnsReaderFuzzTests
{
    private static byte[] Seed()
    {
        var m = new DnsMessage { Id = 9, IsResponse = true, Opt = new DnsOptRecord { UdpPayloadSize = 1232 } };
        m.Questions.Add(new DnsQuestion("example.test", DnsRecordType.ANY));
        m.Answers.Add(DnsMessageFactory.A("example.test", "192.0.2.1"));
        m.Answers.Add(new DnsMxRecord { Name = "example.test.", Type = DnsRecordType.MX, Preference = 10, Exchange = "mail.example.test." });
        m.Answers.Add(DnsTxtRecord.FromText("example.test", 60, "v=spf1 -all"));
        m.Answers.Add(new DnsSoaRecord { Name = "example.test.", Type = DnsRecordType.SOA, PrimaryServer = "ns1.example.test.", ResponsiblePerson = "h.example.test." });
        m.Authority.Add(new DnsNsRecord { Name = "example.test.", Type = DnsRecordType.NS, NameServer = "ns1.example.test." });
        m.Additional.Add(new DnsSrvRecord { Name = "_x._tcp.example.test.", Type = DnsRecordType.SRV, Target = "mail.example.test." });
        return m.ToArray();
    }

    [Fact]
    public void Mutated_messages_parse_or_throw_format_errors_only()
    {
        var rng = new Random(20240101);
        var seed = Seed();
        var parsed = 0;
        for (var i = 0; i < 20_000; i++)
        {
            var b = (byte[])seed.Clone();
            var mode = i % 4;
            if (mode == 0)
            {
                b[rng.Next(b.Length)] = (byte)rng.Next(256);
            }
            else if (mode == 1)
            {
                for (var k = 0; k < 4; k++)
                {
                    b[rng.Next(b.Length)] ^= (byte)(1 << rng.Next(8));
                }
            }
            else if (mode == 2)
            {
                Array.Resize(ref b, rng.Next(b.Length));
            }
            else
            {
                // Plant a compression pointer anywhere.
                var at = rng.Next(12, b.Length - 1);
                b[at] = (byte)(0xC0 | rng.Next(4));
                b[at + 1] = (byte)rng.Next(256);
            }

            try
            {
                var m = DnsMessage.Parse(b);
                foreach (var r in m.Answers.Concat(m.Authority).Concat(m.Additional))
                {
                    _ = r.Data;
                }

                parsed++;
            }
            catch (DnsFormatException)
            {
            }
        }

        Assert.InRange(parsed, 1, 20_000);
    }

    [Fact]
    public void Random_bytes_parse_or_throw_format_errors_only()
    {
        var rng = new Random(7);
        for (var i = 0; i < 20_000; i++)
        {
            var b = new byte[rng.Next(0, 300)];
            rng.NextBytes(b);
            if (b.Length > 12)
            {
                b[4] = 0;
                b[5] = (byte)rng.Next(3);
                b[6] = 0;
                b[7] = (byte)rng.Next(3);
            }

            try
            {
                _ = DnsMessage.Parse(b);
            }
            catch (DnsFormatException)
            {
            }
        }
    }
}
