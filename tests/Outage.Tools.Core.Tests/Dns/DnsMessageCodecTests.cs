using System.Net;
using Outage.Tools.Core.Dns;
using Xunit;

namespace Outage.Tools.Core.Tests.Dns;

public sealed class DnsMessageCodecTests
{
    [Fact]
    public void Query_encodes_as_rfc_1035_with_an_edns_opt()
    {
        var q = DnsMessage.CreateQuery(0x1234, new DnsQuestion("Example.TEST", DnsRecordType.MX), true, 1232, dnssecOk: true).ToArray();
        var expected = new byte[]
        {
            0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 1,
            7, (byte)'E', (byte)'x', (byte)'a', (byte)'m', (byte)'p', (byte)'l', (byte)'e', 4, (byte)'T', (byte)'E', (byte)'S', (byte)'T', 0,
            0, 15, 0, 1,
            0, 0, 41, 0x04, 0xD0, 0, 0, 0x80, 0, 0, 0,
        };
        Assert.Equal(expected, q);
        var back = DnsMessage.Parse(q);
        Assert.True(back.Opt!.DnssecOk);
        Assert.Equal(1232, back.Opt.UdpPayloadSize);
        Assert.Equal("Example.TEST.", back.Questions[0].Name);
    }

    [Fact]
    public void Names_are_compressed_on_write_and_followed_on_read()
    {
        var m = new DnsMessage { Id = 7, IsResponse = true };
        m.Questions.Add(new DnsQuestion("mail.example.test", DnsRecordType.A));
        m.Answers.Add(DnsMessageFactory.A("mail.example.test", "192.0.2.1"));
        m.Answers.Add(DnsMessageFactory.A("mx.example.test", "192.0.2.2"));
        var bytes = m.ToArray();
        // The answer's owner name is a pointer to offset 12 (the question name).
        Assert.Equal(new byte[] { 0xC0, 12 }, bytes.Skip(12 + 19 + 4).Take(2).ToArray());
        var back = DnsMessage.Parse(bytes);
        Assert.Equal(new[] { "mail.example.test.", "mx.example.test." }, back.Answers.Select(a => a.Name));
        Assert.True(bytes.Length < 12 + 19 + 4 + 2 * (19 + 14));
    }

    [Fact]
    public void Extended_rcode_is_merged_from_the_opt_record()
    {
        var m = new DnsMessage { Id = 1, IsResponse = true, ResponseCode = DnsResponseCode.BadVers, Opt = new DnsOptRecord { UdpPayloadSize = 1232 } };
        var back = DnsMessage.Parse(m.ToArray());
        Assert.Equal(DnsResponseCode.BadVers, back.ResponseCode);
        Assert.Equal(1, back.Opt!.ExtendedRcode);
    }

    [Theory]
    [InlineData(new byte[] { 0, 1, 0x81, 0x80, 0, 1, 0, 0, 0, 0, 0, 0, 0xC0, 12, 0, 1, 0, 1 }, "does not point backwards")]
    [InlineData(new byte[] { 0, 1, 0x81, 0x80, 0, 1, 0, 0, 0, 0, 0, 0, 0xC0, 30, 0, 1, 0, 1 }, "does not point backwards")]
    [InlineData(new byte[] { 0, 1, 0x81, 0x80, 0, 1, 0, 0, 0, 0, 0, 0, 10, (byte)'a', (byte)'b', (byte)'c', 0, 1 }, "past the end")]
    [InlineData(new byte[] { 0, 1, 0x81, 0x80, 0, 1, 0, 0, 0, 0, 0, 0, 0x41, 0, 0, 1, 0, 1 }, "label type")]
    [InlineData(new byte[] { 0, 1, 0x81, 0x80, 0xFF, 0xFF, 0, 0, 0, 0, 0, 0, 0 }, "do not fit")]
    [InlineData(new byte[] { 0, 1, 0x81 }, "12-octet header")]
    public void Malformed_messages_are_rejected_with_a_reason(byte[] bytes, string reason)
    {
        var ex = Assert.Throws<DnsFormatException>(() => DnsMessage.Parse(bytes));
        Assert.Contains(reason, ex.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Two_pointer_loop_is_rejected()
    {
        // Name at 12: label "a" then pointer to 17; at 17: pointer back to 12 (a cycle of two pointers).
        var b = new byte[] { 0, 1, 0x81, 0x80, 0, 1, 0, 0, 0, 0, 0, 0, 1, (byte)'a', 0xC0, 17, 0, 0xC0, 12, 0, 1, 0, 1 };
        Assert.Throws<DnsFormatException>(() => DnsMessage.Parse(b));
    }

    [Fact]
    public void Over_long_names_and_labels_are_refused_both_ways()
    {
        Assert.Throws<ArgumentException>(() => DnsName.ToLabels(new string('a', 64) + ".test"));
        Assert.Throws<ArgumentException>(() => DnsName.ToLabels(string.Join(".", Enumerable.Repeat(new string('a', 63), 4))));
        Assert.Throws<ArgumentException>(() => DnsName.ToLabels("a..b"));
        DnsName.ToLabels(string.Join(".", Enumerable.Repeat(new string('a', 63), 3)) + "." + new string('b', 61));

        // 128 labels of one octet chained through pointers would exceed 255 on read.
        var b = new List<byte> { 0, 1, 0x81, 0x80, 0, 1, 0, 0, 0, 0, 0, 0 };
        for (var i = 0; i < 130; i++)
        {
            b.Add(1);
            b.Add((byte)'x');
        }

        b.AddRange(new byte[] { 0, 0, 1, 0, 1 });
        var ex = Assert.Throws<DnsFormatException>(() => DnsMessage.Parse(b.ToArray()));
        Assert.Contains("255", ex.Message);
    }

    [Fact]
    public void Presentation_escapes_round_trip()
    {
        var labels = DnsName.ToLabels(@"a\.b\032c\\d.example.");
        Assert.Equal(2, labels.Count);
        Assert.Equal(new byte[] { (byte)'a', (byte)'.', (byte)'b', 32, (byte)'c', (byte)'\\', (byte)'d' }, labels[0]);
        var m = new DnsMessage { Id = 2 };
        m.Questions.Add(new DnsQuestion(@"a\.b\032c\\d.example.", DnsRecordType.A));
        Assert.Equal(@"a\.b\032c\\d.example.", DnsMessage.Parse(m.ToArray()).Questions[0].Name);
    }

    [Fact]
    public void Every_typed_record_round_trips_through_the_wire()
    {
        var records = new DnsRecord[]
        {
            DnsMessageFactory.A("a.test", "192.0.2.1"),
            new DnsAaaaRecord { Name = "a.test.", Type = DnsRecordType.AAAA, Ip = IPAddress.Parse("2001:db8::1") },
            new DnsCnameRecord { Name = "c.test.", Type = DnsRecordType.CNAME, Target = "a.test." },
            new DnsDnameRecord { Name = "d.test.", Type = DnsRecordType.DNAME, Target = "a.test." },
            new DnsNsRecord { Name = "test.", Type = DnsRecordType.NS, NameServer = "ns.test." },
            new DnsPtrRecord { Name = "1.2.0.192.in-addr.arpa.", Type = DnsRecordType.PTR, Target = "a.test." },
            new DnsMxRecord { Name = "test.", Type = DnsRecordType.MX, Preference = 0, Exchange = "." },
            new DnsSoaRecord { Name = "test.", Type = DnsRecordType.SOA, PrimaryServer = "ns.test.", ResponsiblePerson = "h.test.", SerialNumber = 5, Refresh = 1, Retry = 2, Expire = 3, Minimum = 4 },
            DnsTxtRecord.FromText("t.test", 60, "v=spf1 -all", "x"),
            new DnsSrvRecord { Name = "_x._tcp.test.", Type = DnsRecordType.SRV, Priority = 1, Weight = 2, Port = 3, Target = "a.test." },
            new DnsDsRecord { Name = "test.", Type = DnsRecordType.DS, KeyTag = 1, Algorithm = 13, DigestType = 2, Digest = new byte[] { 1, 2 } },
            new DnsDnskeyRecord { Name = "test.", Type = DnsRecordType.DNSKEY, Flags = 257, Protocol = 3, Algorithm = 13, PublicKey = new byte[] { 9, 9 } },
            new DnsRrsigRecord { Name = "test.", Type = DnsRecordType.RRSIG, TypeCovered = DnsRecordType.A, Algorithm = 13, Labels = 1, OriginalTtl = 300, Expiration = 1700000000, Inception = 1690000000, KeyTag = 7, SignerName = "test.", Signature = new byte[] { 5 } },
            new DnsTlsaRecord { Name = "_25._tcp.test.", Type = DnsRecordType.TLSA, Usage = 3, Selector = 1, MatchingType = 1, AssociationData = new byte[] { 0xAB } },
            new DnsUnknownRecord { Name = "u.test.", Type = (DnsRecordType)65280, RawData = new byte[] { 10, 0, 0, 1 } },
        };
        var m = new DnsMessage { Id = 3, IsResponse = true };
        m.Answers.AddRange(records);
        var back = DnsMessage.Parse(m.ToArray());
        Assert.Equal(records.Select(r => r.ToString()), back.Answers.Select(r => r.ToString()));
        Assert.Equal(records.Select(r => r.GetType()), back.Answers.Select(r => r.GetType()));
        Assert.True(((DnsMxRecord)back.Answers[6]).IsNullMx);
        Assert.Equal(@"\# 4 0A000001", back.Answers[^1].Data);
        Assert.Equal("A 13 1 300 20231114221320 20230722042640 7 test. BQ==", back.Answers[12].Data);
    }

    [Fact]
    public void Resolv_conf_and_server_addresses_parse()
    {
        var servers = DnsServerAddress.ParseResolvConf(new[] { "# c", "search example", "nameserver 192.0.2.53", "nameserver fe80::1%eth0", "nameserver  ::1 ", "options ndots:2" });
        Assert.Equal(new[] { "192.0.2.53:53", "[fe80::1]:53", "[::1]:53" }, servers.Select(DnsServerAddress.Format));
        Assert.Equal("127.0.0.1:5300", DnsServerAddress.Format(DnsServerAddress.Parse("127.0.0.1:5300")));
        Assert.Equal("[::1]:5300", DnsServerAddress.Format(DnsServerAddress.Parse("[::1]:5300")));
        Assert.Equal("[2001:db8::53]:53", DnsServerAddress.Format(DnsServerAddress.Parse("2001:db8::53")));
        Assert.Throws<FormatException>(() => DnsServerAddress.Parse("127.0.0.1:99999"));
        Assert.Throws<FormatException>(() => DnsServerAddress.Parse("[::1"));
    }
}
