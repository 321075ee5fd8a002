using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net;
using System.Text;

namespace Outage.Tools.Core.Dns;

/// <summary>
/// One resource record (RFC 1035 §3.2.1, §4.1.3): NAME, TYPE, CLASS, TTL, RDLENGTH, RDATA.
/// Subclasses carry the typed RDATA; <see cref="Data"/> is always the presentation form (as dig prints it).
/// <see cref="Server"/> and <see cref="ResponseTime"/> say where and how fast the record was seen.
/// </summary>
public abstract class DnsRecord
{
    public string Name { get; internal set; } = ".";

    public DnsRecordType Type { get; internal set; }

    /// <summary>CLASS; 1 = IN. For OPT it is the UDP payload size (RFC 6891 §6.1.2).</summary>
    public ushort Class { get; internal set; } = 1;

    /// <summary>TTL in seconds; for OPT it holds the extended RCODE, version and flags (RFC 6891 §6.1.3).</summary>
    public uint Ttl { get; internal set; }

    public DnsSection Section { get; internal set; }

    /// <summary>The RDATA in presentation form.</summary>
    public string Data => Format();

    /// <summary>The server (host:port) that gave this record, when it came from a query.</summary>
    public string? Server { get; internal set; }

    /// <summary>How long the query that gave this record took.</summary>
    public TimeSpan? ResponseTime { get; internal set; }

    protected internal abstract string Format();

    internal abstract void WriteData(DnsWriter w);

    public override string ToString() => $"{Name} {Ttl} {Type} {Data}";

    internal static DnsRecord Read(DnsReader r, DnsSection section)
    {
        var name = r.ReadName();
        var type = (DnsRecordType)r.ReadUInt16();
        var cls = r.ReadUInt16();
        var ttl = r.ReadUInt32();
        var rdlength = r.ReadUInt16();
        if (rdlength > r.Remaining)
        {
            throw new DnsFormatException($"The RDATA of {name} {type} ({rdlength} octets) runs past the end of the message.");
        }

        var start = r.Position;
        var end = start + rdlength;
        DnsRecord rec;
        try
        {
            rec = type switch
            {
                DnsRecordType.A when rdlength == 4 => new DnsARecord { Ip = new IPAddress(r.ReadBytes(4)) },
                DnsRecordType.AAAA when rdlength == 16 => new DnsAaaaRecord { Ip = new IPAddress(r.ReadBytes(16)) },
                DnsRecordType.CNAME => new DnsCnameRecord { Target = r.ReadName() },
                DnsRecordType.DNAME => new DnsDnameRecord { Target = r.ReadName() },
                DnsRecordType.NS => new DnsNsRecord { NameServer = r.ReadName() },
                DnsRecordType.PTR => new DnsPtrRecord { Target = r.ReadName() },
                DnsRecordType.MX => new DnsMxRecord { Preference = r.ReadUInt16(), Exchange = r.ReadName() },
                DnsRecordType.SOA => new DnsSoaRecord
                {
                    PrimaryServer = r.ReadName(), ResponsiblePerson = r.ReadName(), SerialNumber = r.ReadUInt32(),
                    Refresh = r.ReadUInt32(), Retry = r.ReadUInt32(), Expire = r.ReadUInt32(), Minimum = r.ReadUInt32(),
                },
                DnsRecordType.TXT => DnsTxtRecord.ReadData(r, end),
                DnsRecordType.SRV => new DnsSrvRecord { Priority = r.ReadUInt16(), Weight = r.ReadUInt16(), Port = r.ReadUInt16(), Target = r.ReadName(false) },
                DnsRecordType.CAA => DnsCaaRecord.ReadData(r, end),
                DnsRecordType.DS => new DnsDsRecord { KeyTag = r.ReadUInt16(), Algorithm = r.ReadByte(), DigestType = r.ReadByte(), Digest = r.ReadBytes(end - r.Position) },
                DnsRecordType.DNSKEY => new DnsDnskeyRecord { Flags = r.ReadUInt16(), Protocol = r.ReadByte(), Algorithm = r.ReadByte(), PublicKey = r.ReadBytes(end - r.Position) },
                DnsRecordType.RRSIG => new DnsRrsigRecord
                {
                    TypeCovered = (DnsRecordType)r.ReadUInt16(), Algorithm = r.ReadByte(), Labels = r.ReadByte(), OriginalTtl = r.ReadUInt32(),
                    Expiration = r.ReadUInt32(), Inception = r.ReadUInt32(), KeyTag = r.ReadUInt16(), SignerName = r.ReadName(false),
                    Signature = r.ReadBytes(end - r.Position),
                },
                DnsRecordType.TLSA => new DnsTlsaRecord { Usage = r.ReadByte(), Selector = r.ReadByte(), MatchingType = r.ReadByte(), AssociationData = r.ReadBytes(end - r.Position) },
                DnsRecordType.SVCB or DnsRecordType.HTTPS => DnsSvcbRecord.ReadData(r, end),
                DnsRecordType.OPT => DnsOptRecord.ReadData(r, end),
                _ => new DnsUnknownRecord { RawData = r.ReadBytes(rdlength) },
            };
        }
        catch (ArgumentException ex)
        {
            throw new DnsFormatException($"The RDATA of {name} {type} is malformed: {ex.Message}", ex);
        }

        if (r.Position != end)
        {
            throw new DnsFormatException($"The RDATA of {name} {type} is {rdlength} octets but its fields take {r.Position - start}.");
        }

        rec.Name = name;
        rec.Type = type;
        rec.Class = cls;
        rec.Ttl = ttl;
        rec.Section = section;
        return rec;
    }

    internal void Write(DnsWriter w)
    {
        w.WriteName(Name);
        w.WriteUInt16((ushort)Type);
        w.WriteUInt16(Class);
        w.WriteUInt32(Ttl);
        var at = w.Length;
        w.WriteUInt16(0);
        WriteData(w);
        w.PatchUInt16(at, checked((ushort)(w.Length - at - 2)));
    }

    internal static string Hex(byte[] b) => b.Length == 0 ? "-" : string.Concat(b.Select(x => x.ToString("X2", CultureInfo.InvariantCulture)));

    internal static string Base64(byte[] b) => Convert.ToBase64String(b);

    /// <summary>A &lt;character-string&gt; in quotes, with the escapes of RFC 1035 §5.1 as dig writes them.</summary>
    internal static string Quote(byte[] b)
    {
        var sb = new StringBuilder("\"");
        foreach (var c in b)
        {
            if (c == '"' || c == '\\')
            {
                sb.Append('\\').Append((char)c);
            }
            else if (c < 0x20 || c >= 0x7F)
            {
                sb.Append('\\').Append(c.ToString("D3", CultureInfo.InvariantCulture));
            }
            else
            {
                sb.Append((char)c);
            }
        }

        return sb.Append('"').ToString();
    }
}

/// <summary>A: a 32-bit IPv4 address (RFC 1035 §3.4.1). RDATA: ADDRESS (4 octets).</summary>
public sealed class DnsARecord : DnsRecord
{
    /// <summary>The address as text (a string, so it serializes and compares the same in every front end).</summary>
    public string Address => Ip.ToString();

    internal IPAddress Ip { get; set; } = IPAddress.None;

    protected internal override string Format() => Address;

    internal override void WriteData(DnsWriter w) => w.WriteBytes(Ip.GetAddressBytes());
}

/// <summary>AAAA: a 128-bit IPv6 address (RFC 3596 §2.2). RDATA: ADDRESS (16 octets).</summary>
public sealed class DnsAaaaRecord : DnsRecord
{
    /// <summary>The address as text (a string, so it serializes and compares the same in every front end).</summary>
    public string Address => Ip.ToString();

    internal IPAddress Ip { get; set; } = IPAddress.IPv6None;

    protected internal override string Format() => Address;

    internal override void WriteData(DnsWriter w) => w.WriteBytes(Ip.GetAddressBytes());
}

/// <summary>CNAME: canonical name (RFC 1035 §3.3.1). RDATA: CNAME (domain name, compressible).</summary>
public sealed class DnsCnameRecord : DnsRecord
{
    public string Target { get; internal set; } = ".";

    protected internal override string Format() => Target;

    internal override void WriteData(DnsWriter w) => w.WriteName(Target);
}

/// <summary>DNAME: redirection of a subtree (RFC 6672 §2.1). RDATA: target (domain name, never compressed).</summary>
public sealed class DnsDnameRecord : DnsRecord
{
    public string Target { get; internal set; } = ".";

    protected internal override string Format() => Target;

    internal override void WriteData(DnsWriter w) => w.WriteName(Target, compress: false);
}

/// <summary>NS: authoritative name server (RFC 1035 §3.3.11). RDATA: NSDNAME (domain name, compressible).</summary>
public sealed class DnsNsRecord : DnsRecord
{
    public string NameServer { get; internal set; } = ".";

    protected internal override string Format() => NameServer;

    internal override void WriteData(DnsWriter w) => w.WriteName(NameServer);
}

/// <summary>PTR: domain name pointer (RFC 1035 §3.3.12). RDATA: PTRDNAME (domain name, compressible).</summary>
public sealed class DnsPtrRecord : DnsRecord
{
    public string Target { get; internal set; } = ".";

    protected internal override string Format() => Target;

    internal override void WriteData(DnsWriter w) => w.WriteName(Target);
}

/// <summary>MX: mail exchange (RFC 1035 §3.3.9; Null MX "0 ." RFC 7505). RDATA: PREFERENCE (16 bits), EXCHANGE (name).</summary>
public sealed class DnsMxRecord : DnsRecord
{
    public ushort Preference { get; internal set; }

    public string Exchange { get; internal set; } = ".";

    /// <summary>True for the Null MX of RFC 7505: preference 0 and exchange ".".</summary>
    public bool IsNullMx => Preference == 0 && Exchange == ".";

    protected internal override string Format() => $"{Preference} {Exchange}";

    internal override void WriteData(DnsWriter w)
    {
        w.WriteUInt16(Preference);
        w.WriteName(Exchange);
    }
}

/// <summary>
/// SOA: start of authority (RFC 1035 §3.3.13). RDATA: MNAME, RNAME (names), SERIAL, REFRESH, RETRY, EXPIRE,
/// MINIMUM (32 bits each).
/// </summary>
public sealed class DnsSoaRecord : DnsRecord
{
    public string PrimaryServer { get; internal set; } = ".";

    public string ResponsiblePerson { get; internal set; } = ".";

    public uint SerialNumber { get; internal set; }

    public uint Refresh { get; internal set; }

    public uint Retry { get; internal set; }

    public uint Expire { get; internal set; }

    public uint Minimum { get; internal set; }

    protected internal override string Format() => $"{PrimaryServer} {ResponsiblePerson} {SerialNumber} {Refresh} {Retry} {Expire} {Minimum}";

    internal override void WriteData(DnsWriter w)
    {
        w.WriteName(PrimaryServer);
        w.WriteName(ResponsiblePerson);
        w.WriteUInt32(SerialNumber);
        w.WriteUInt32(Refresh);
        w.WriteUInt32(Retry);
        w.WriteUInt32(Expire);
        w.WriteUInt32(Minimum);
    }
}

/// <summary>TXT: text strings (RFC 1035 §3.3.14). RDATA: one or more &lt;character-string&gt;s.</summary>
public sealed class DnsTxtRecord : DnsRecord
{
    private IReadOnlyList<byte[]> _raw = Array.Empty<byte[]>();

    /// <summary>The strings as sent (each ≤ 255 octets), decoded as UTF-8.</summary>
    public IReadOnlyList<string> Strings => _raw.Select(b => Encoding.UTF8.GetString(b)).ToList();

    /// <summary>The strings joined without separator, as SPF (RFC 7208 §3.3) and DMARC read them.</summary>
    public string Text => string.Concat(Strings);

    internal IReadOnlyList<byte[]> RawStrings { get => _raw; set => _raw = value; }

    internal static DnsTxtRecord ReadData(DnsReader r, int end)
    {
        var list = new List<byte[]>();
        while (r.Position < end)
        {
            list.Add(r.ReadCharacterString());
        }

        return new DnsTxtRecord { _raw = list };
    }

    public static DnsTxtRecord FromText(string name, uint ttl, params string[] strings) =>
        new() { Name = DnsName.Fqdn(name), Type = DnsRecordType.TXT, Ttl = ttl, _raw = strings.Select(s => Encoding.UTF8.GetBytes(s)).ToList() };

    protected internal override string Format() => string.Join(" ", _raw.Select(Quote));

    internal override void WriteData(DnsWriter w)
    {
        foreach (var s in _raw)
        {
            w.WriteCharacterString(s);
        }
    }
}

/// <summary>SRV: service location (RFC 2782). RDATA: PRIORITY, WEIGHT, PORT (16 bits each), TARGET (name, not compressed).</summary>
public sealed class DnsSrvRecord : DnsRecord
{
    public ushort Priority { get; internal set; }

    public ushort Weight { get; internal set; }

    public ushort Port { get; internal set; }

    public string Target { get; internal set; } = ".";

    protected internal override string Format() => $"{Priority} {Weight} {Port} {Target}";

    internal override void WriteData(DnsWriter w)
    {
        w.WriteUInt16(Priority);
        w.WriteUInt16(Weight);
        w.WriteUInt16(Port);
        w.WriteName(Target, compress: false);
    }
}

/// <summary>CAA: certification authority authorization (RFC 8659 §4.1). RDATA: FLAGS (8 bits), TAG LENGTH, TAG, VALUE.</summary>
public sealed class DnsCaaRecord : DnsRecord
{
    public byte Flags { get; internal set; }

    public string Tag { get; internal set; } = "";

    public string Value { get; internal set; } = "";

    private byte[] _value = Array.Empty<byte>();

    internal static DnsCaaRecord ReadData(DnsReader r, int end)
    {
        var flags = r.ReadByte();
        var tag = Encoding.ASCII.GetString(r.ReadCharacterString());
        var value = r.ReadBytes(end - r.Position);
        return new DnsCaaRecord { Flags = flags, Tag = tag, _value = value, Value = Encoding.UTF8.GetString(value) };
    }

    protected internal override string Format() => $"{Flags} {Tag} {Quote(_value)}";

    internal override void WriteData(DnsWriter w)
    {
        w.WriteByte(Flags);
        w.WriteCharacterString(Encoding.ASCII.GetBytes(Tag));
        w.WriteBytes(_value);
    }
}

/// <summary>DS: delegation signer (RFC 4034 §5.1). RDATA: KEY TAG (16), ALGORITHM (8), DIGEST TYPE (8), DIGEST.</summary>
public sealed class DnsDsRecord : DnsRecord
{
    public ushort KeyTag { get; internal set; }

    public byte Algorithm { get; internal set; }

    public byte DigestType { get; internal set; }

    public byte[] Digest { get; internal set; } = Array.Empty<byte>();

    protected internal override string Format() => $"{KeyTag} {Algorithm} {DigestType} {Hex(Digest)}";

    internal override void WriteData(DnsWriter w)
    {
        w.WriteUInt16(KeyTag);
        w.WriteByte(Algorithm);
        w.WriteByte(DigestType);
        w.WriteBytes(Digest);
    }
}

/// <summary>DNSKEY: a zone's public key (RFC 4034 §2.1). RDATA: FLAGS (16), PROTOCOL (8, = 3), ALGORITHM (8), PUBLIC KEY.</summary>
public sealed class DnsDnskeyRecord : DnsRecord
{
    public ushort Flags { get; internal set; }

    public byte Protocol { get; internal set; }

    public byte Algorithm { get; internal set; }

    public byte[] PublicKey { get; internal set; } = Array.Empty<byte>();

    /// <summary>The key tag of RFC 4034 Appendix B (algorithm 1 excepted).</summary>
    public ushort KeyTag
    {
        get
        {
            var w = new DnsWriter();
            WriteData(w);
            var b = w.ToArray();
            uint ac = 0;
            for (var i = 0; i < b.Length; i++)
            {
                ac += (i & 1) != 0 ? b[i] : (uint)b[i] << 8;
            }

            ac += (ac >> 16) & 0xFFFF;
            return (ushort)(ac & 0xFFFF);
        }
    }

    protected internal override string Format() => $"{Flags} {Protocol} {Algorithm} {Base64(PublicKey)}";

    internal override void WriteData(DnsWriter w)
    {
        w.WriteUInt16(Flags);
        w.WriteByte(Protocol);
        w.WriteByte(Algorithm);
        w.WriteBytes(PublicKey);
    }
}

/// <summary>
/// RRSIG: signature over an RRset (RFC 4034 §3.1). RDATA: TYPE COVERED (16), ALGORITHM (8), LABELS (8),
/// ORIGINAL TTL (32), SIGNATURE EXPIRATION (32), SIGNATURE INCEPTION (32), KEY TAG (16), SIGNER'S NAME (uncompressed), SIGNATURE.
/// </summary>
public sealed class DnsRrsigRecord : DnsRecord
{
    public DnsRecordType TypeCovered { get; internal set; }

    public byte Algorithm { get; internal set; }

    public byte Labels { get; internal set; }

    public uint OriginalTtl { get; internal set; }

    public uint Expiration { get; internal set; }

    public uint Inception { get; internal set; }

    public ushort KeyTag { get; internal set; }

    public string SignerName { get; internal set; } = ".";

    public byte[] Signature { get; internal set; } = Array.Empty<byte>();

    public DateTime ExpirationUtc => DateTimeOffset.FromUnixTimeSeconds(Expiration).UtcDateTime;

    public DateTime InceptionUtc => DateTimeOffset.FromUnixTimeSeconds(Inception).UtcDateTime;

    protected internal override string Format() =>
        $"{TypeName(TypeCovered)} {Algorithm} {Labels} {OriginalTtl} {ExpirationUtc:yyyyMMddHHmmss} {InceptionUtc:yyyyMMddHHmmss} {KeyTag} {SignerName} {Base64(Signature)}";

    internal static string TypeName(DnsRecordType t) => Enum.IsDefined(typeof(DnsRecordType), t) ? t.ToString() : "TYPE" + ((ushort)t).ToString(CultureInfo.InvariantCulture);

    internal override void WriteData(DnsWriter w)
    {
        w.WriteUInt16((ushort)TypeCovered);
        w.WriteByte(Algorithm);
        w.WriteByte(Labels);
        w.WriteUInt32(OriginalTtl);
        w.WriteUInt32(Expiration);
        w.WriteUInt32(Inception);
        w.WriteUInt16(KeyTag);
        w.WriteName(SignerName, compress: false);
        w.WriteBytes(Signature);
    }
}

/// <summary>TLSA: DANE certificate association (RFC 6698 §2.1). RDATA: USAGE, SELECTOR, MATCHING TYPE (8 bits each), DATA.</summary>
public sealed class DnsTlsaRecord : DnsRecord
{
    public byte Usage { get; internal set; }

    public byte Selector { get; internal set; }

    public byte MatchingType { get; internal set; }

    public byte[] AssociationData { get; internal set; } = Array.Empty<byte>();

    protected internal override string Format() => $"{Usage} {Selector} {MatchingType} {Hex(AssociationData)}";

    internal override void WriteData(DnsWriter w)
    {
        w.WriteByte(Usage);
        w.WriteByte(Selector);
        w.WriteByte(MatchingType);
        w.WriteBytes(AssociationData);
    }
}

/// <summary>
/// SVCB and HTTPS (RFC 9460 §2.2). RDATA: SvcPriority (16), TargetName (uncompressed), then SvcParams:
/// SvcParamKey (16), SvcParamValue length (16), value; keys in strictly increasing order.
/// </summary>
public sealed class DnsSvcbRecord : DnsRecord
{
    public ushort Priority { get; internal set; }

    public string Target { get; internal set; } = ".";

    /// <summary>The parameters in presentation form (key → value), in wire order.</summary>
    public IReadOnlyDictionary<string, string> Parameters => _params.ToDictionary(p => KeyName(p.Key), p => FormatValue(p.Key, p.Value));

    private IReadOnlyList<KeyValuePair<ushort, byte[]>> _params = Array.Empty<KeyValuePair<ushort, byte[]>>();

    internal static DnsSvcbRecord ReadData(DnsReader r, int end)
    {
        var rec = new DnsSvcbRecord { Priority = r.ReadUInt16(), Target = r.ReadName(false) };
        var list = new List<KeyValuePair<ushort, byte[]>>();
        int last = -1;
        while (r.Position < end)
        {
            var key = r.ReadUInt16();
            if (key <= last)
            {
                throw new DnsFormatException("SvcParamKeys are not in strictly increasing order (RFC 9460 §2.2).");
            }

            last = key;
            var len = r.ReadUInt16();
            list.Add(new KeyValuePair<ushort, byte[]>(key, r.ReadBytes(len)));
        }

        rec._params = list;
        return rec;
    }

    private static string KeyName(ushort key) => key switch
    {
        0 => "mandatory",
        1 => "alpn",
        2 => "no-default-alpn",
        3 => "port",
        4 => "ipv4hint",
        5 => "ech",
        6 => "ipv6hint",
        _ => "key" + key.ToString(CultureInfo.InvariantCulture),
    };

    private static string FormatValue(ushort key, byte[] v)
    {
        switch (key)
        {
            case 0:
                return string.Join(",", Enumerable.Range(0, v.Length / 2).Select(i => KeyName((ushort)((v[2 * i] << 8) | v[(2 * i) + 1]))));
            case 1:
                var ids = new List<string>();
                for (var i = 0; i < v.Length;)
                {
                    var n = v[i];
                    ids.Add(Encoding.ASCII.GetString(v, i + 1, Math.Min(n, v.Length - i - 1)).Replace(",", "\\,"));
                    i += n + 1;
                }

                return string.Join(",", ids);
            case 2:
                return "";
            case 3 when v.Length == 2:
                return ((v[0] << 8) | v[1]).ToString(CultureInfo.InvariantCulture);
            case 4:
                return string.Join(",", Enumerable.Range(0, v.Length / 4).Select(i => new IPAddress(v.Skip(4 * i).Take(4).ToArray()).ToString()));
            case 6:
                return string.Join(",", Enumerable.Range(0, v.Length / 16).Select(i => new IPAddress(v.Skip(16 * i).Take(16).ToArray()).ToString()));
            case 5:
                return Base64(v);
            default:
                return Quote(v).Trim('"');
        }
    }

    protected internal override string Format()
    {
        var sb = new StringBuilder().Append(Priority).Append(' ').Append(Target);
        foreach (var p in _params)
        {
            sb.Append(' ').Append(KeyName(p.Key));
            if (p.Key == 2)
            {
                continue;
            }

            var v = FormatValue(p.Key, p.Value);
            sb.Append('=').Append(p.Key == 1 || p.Key > 6 ? "\"" + v + "\"" : v);
        }

        return sb.ToString();
    }

    internal override void WriteData(DnsWriter w)
    {
        w.WriteUInt16(Priority);
        w.WriteName(Target, compress: false);
        foreach (var p in _params)
        {
            w.WriteUInt16(p.Key);
            w.WriteUInt16((ushort)p.Value.Length);
            w.WriteBytes(p.Value);
        }
    }
}

/// <summary>
/// OPT: the EDNS(0) pseudo-record (RFC 6891 §6.1.2). CLASS = requestor's UDP payload size; TTL = extended
/// RCODE (8), VERSION (8), DO bit and Z (16); RDATA: {OPTION-CODE (16), OPTION-LENGTH (16), OPTION-DATA}*.
/// </summary>
public sealed class DnsOptRecord : DnsRecord
{
    public DnsOptRecord()
    {
        Type = DnsRecordType.OPT;
        Name = ".";
    }

    public ushort UdpPayloadSize { get => Class; internal set => Class = value; }

    public byte ExtendedRcode => (byte)(Ttl >> 24);

    public byte Version => (byte)(Ttl >> 16);

    /// <summary>DNSSEC OK (RFC 3225).</summary>
    public bool DnssecOk => (Ttl & 0x8000) != 0;

    public IReadOnlyList<KeyValuePair<ushort, byte[]>> Options { get; internal set; } = Array.Empty<KeyValuePair<ushort, byte[]>>();

    internal static DnsOptRecord ReadData(DnsReader r, int end)
    {
        var list = new List<KeyValuePair<ushort, byte[]>>();
        while (r.Position < end)
        {
            var code = r.ReadUInt16();
            var len = r.ReadUInt16();
            if (r.Position + len > end)
            {
                throw new DnsFormatException("An EDNS option runs past the OPT RDATA (RFC 6891 §6.1.2).");
            }

            list.Add(new KeyValuePair<ushort, byte[]>(code, r.ReadBytes(len)));
        }

        return new DnsOptRecord { Options = list };
    }

    protected internal override string Format() => $"udp={UdpPayloadSize} version={Version} do={(DnssecOk ? 1 : 0)}" +
        string.Concat(Options.Select(o => $" option{o.Key}={Hex(o.Value)}"));

    internal override void WriteData(DnsWriter w)
    {
        foreach (var o in Options)
        {
            w.WriteUInt16(o.Key);
            w.WriteUInt16((ushort)o.Value.Length);
            w.WriteBytes(o.Value);
        }
    }
}

/// <summary>Any other type, kept as opaque RDATA and shown in the generic form of RFC 3597 §5 ("\# len hex").</summary>
public sealed class DnsUnknownRecord : DnsRecord
{
    public byte[] RawData { get; internal set; } = Array.Empty<byte>();

    protected internal override string Format() => RawData.Length == 0 ? "\\# 0" : $"\\# {RawData.Length} {Hex(RawData)}";

    internal override void WriteData(DnsWriter w) => w.WriteBytes(RawData);
}
