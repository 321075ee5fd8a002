using System;
using System.Collections.Generic;
using System.Linq;

namespace Outage.Tools.Core.Dns;

/// <summary>A question (RFC 1035 §4.1.2): QNAME, QTYPE, QCLASS.</summary>
public sealed class DnsQuestion
{
    public DnsQuestion(string name, DnsRecordType type, ushort @class = 1)
    {
        Name = DnsName.Fqdn(name);
        Type = type;
        Class = @class;
    }

    public string Name { get; }

    public DnsRecordType Type { get; }

    public ushort Class { get; }

    public bool Matches(DnsQuestion other) =>
        other is not null && other.Type == Type && other.Class == Class && DnsName.Equal(other.Name, Name);

    public override string ToString() => $"{Name} {DnsRrsigRecord.TypeName(Type)}";
}

/// <summary>
/// A DNS message (RFC 1035 §4.1). Header: ID (16), QR, OPCODE (4), AA, TC, RD, RA, Z, AD, CD (RFC 4035 §3.2),
/// RCODE (4), then QDCOUNT, ANCOUNT, NSCOUNT, ARCOUNT (16 each); then the four sections. The OPT record of
/// RFC 6891 is taken out of the additional section into <see cref="Opt"/>, and its extended RCODE merged into
/// <see cref="ResponseCode"/>.
/// </summary>
public sealed class DnsMessage
{
    public ushort Id { get; set; }

    public bool IsResponse { get; set; }

    public byte Opcode { get; set; }

    public bool AuthoritativeAnswer { get; set; }

    public bool Truncated { get; set; }

    public bool RecursionDesired { get; set; }

    public bool RecursionAvailable { get; set; }

    public bool AuthenticData { get; set; }

    public bool CheckingDisabled { get; set; }

    public DnsResponseCode ResponseCode { get; set; }

    public List<DnsQuestion> Questions { get; } = new();

    public List<DnsRecord> Answers { get; } = new();

    public List<DnsRecord> Authority { get; } = new();

    public List<DnsRecord> Additional { get; } = new();

    public DnsOptRecord? Opt { get; set; }

    /// <summary>A query for one question with RD set as asked and, unless <paramref name="udpPayloadSize"/> is 0, an OPT record.</summary>
    public static DnsMessage CreateQuery(ushort id, DnsQuestion question, bool recursionDesired = true, ushort udpPayloadSize = 1232, bool dnssecOk = false)
    {
        var m = new DnsMessage { Id = id, RecursionDesired = recursionDesired };
        m.Questions.Add(question);
        if (udpPayloadSize > 0)
        {
            m.Opt = new DnsOptRecord { UdpPayloadSize = Math.Max((ushort)512, udpPayloadSize), Ttl = dnssecOk ? 0x8000u : 0u };
        }

        return m;
    }

    public byte[] ToArray()
    {
        var w = new DnsWriter();
        w.WriteUInt16(Id);
        var rcode = (int)ResponseCode;
        var flags = (IsResponse ? 0x8000 : 0) | ((Opcode & 0xF) << 11) | (AuthoritativeAnswer ? 0x400 : 0) | (Truncated ? 0x200 : 0) |
                    (RecursionDesired ? 0x100 : 0) | (RecursionAvailable ? 0x80 : 0) | (AuthenticData ? 0x20 : 0) | (CheckingDisabled ? 0x10 : 0) |
                    (rcode & 0xF);
        w.WriteUInt16((ushort)flags);
        w.WriteUInt16((ushort)Questions.Count);
        w.WriteUInt16((ushort)Answers.Count);
        w.WriteUInt16((ushort)Authority.Count);
        w.WriteUInt16((ushort)(Additional.Count + (Opt is null ? 0 : 1)));
        foreach (var q in Questions)
        {
            w.WriteName(q.Name);
            w.WriteUInt16((ushort)q.Type);
            w.WriteUInt16(q.Class);
        }

        foreach (var r in Answers.Concat(Authority).Concat(Additional))
        {
            r.Write(w);
        }

        if (Opt is not null)
        {
            Opt.Ttl = (Opt.Ttl & 0x00FFFFFF) | ((uint)(rcode >> 4) << 24);
            Opt.Write(w);
        }

        return w.ToArray();
    }

    public static DnsMessage Parse(byte[] buffer) => Parse(buffer ?? throw new ArgumentNullException(nameof(buffer)), 0, buffer.Length);

    /// <summary>Parses a whole message; throws <see cref="DnsFormatException"/> on anything malformed, never reads outside the range.</summary>
    public static DnsMessage Parse(byte[] buffer, int offset, int count)
    {
        var r = new DnsReader(buffer, offset, count);
        if (count < 12)
        {
            throw new DnsFormatException($"A DNS message has a 12-octet header; this one has {count} octets.");
        }

        var m = new DnsMessage { Id = r.ReadUInt16() };
        var flags = r.ReadUInt16();
        m.IsResponse = (flags & 0x8000) != 0;
        m.Opcode = (byte)((flags >> 11) & 0xF);
        m.AuthoritativeAnswer = (flags & 0x400) != 0;
        m.Truncated = (flags & 0x200) != 0;
        m.RecursionDesired = (flags & 0x100) != 0;
        m.RecursionAvailable = (flags & 0x80) != 0;
        m.AuthenticData = (flags & 0x20) != 0;
        m.CheckingDisabled = (flags & 0x10) != 0;
        var rcode = flags & 0xF;
        int qd = r.ReadUInt16(), an = r.ReadUInt16(), ns = r.ReadUInt16(), ar = r.ReadUInt16();

        // Each question takes at least 5 octets and each record at least 11: reject impossible counts before looping.
        if ((qd * 5L) + ((an + ns + ar) * 11L) > r.Remaining)
        {
            throw new DnsFormatException($"The header counts ({qd}/{an}/{ns}/{ar}) do not fit in {count} octets.");
        }

        for (var i = 0; i < qd; i++)
        {
            var name = r.ReadName();
            m.Questions.Add(new DnsQuestion(name, (DnsRecordType)r.ReadUInt16(), r.ReadUInt16()));
        }

        for (var i = 0; i < an; i++)
        {
            m.Answers.Add(DnsRecord.Read(r, DnsSection.Answer));
        }

        for (var i = 0; i < ns; i++)
        {
            m.Authority.Add(DnsRecord.Read(r, DnsSection.Authority));
        }

        for (var i = 0; i < ar; i++)
        {
            var rec = DnsRecord.Read(r, DnsSection.Additional);
            if (rec is DnsOptRecord opt)
            {
                if (m.Opt is not null)
                {
                    throw new DnsFormatException("More than one OPT record (RFC 6891 §6.1.1).");
                }

                m.Opt = opt;
                rcode |= opt.ExtendedRcode << 4;
            }
            else
            {
                m.Additional.Add(rec);
            }
        }

        m.ResponseCode = (DnsResponseCode)rcode;
        return m;
    }
}
