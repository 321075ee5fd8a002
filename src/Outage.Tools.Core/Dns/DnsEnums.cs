namespace Outage.Tools.Core.Dns;

/// <summary>Resource record types (IANA "Resource Record (RR) TYPEs"). Values not listed are kept as RFC 3597 data.</summary>
public enum DnsRecordType : ushort
{
    A = 1,
    NS = 2,
    CNAME = 5,
    SOA = 6,
    PTR = 12,
    MX = 15,
    TXT = 16,
    AAAA = 28,
    SRV = 33,
    DNAME = 39,
    OPT = 41,
    DS = 43,
    RRSIG = 46,
    NSEC = 47,
    DNSKEY = 48,
    TLSA = 52,
    SVCB = 64,
    HTTPS = 65,
    ANY = 255,
    CAA = 257,
}

/// <summary>The section of a message a record came from (RFC 1035 §4.1).</summary>
public enum DnsSection
{
    Question,
    Answer,
    Authority,
    Additional,
}

/// <summary>Response codes (RFC 1035 §4.1.1, extended by RFC 6891 §6.1.3 to 12 bits).</summary>
public enum DnsResponseCode
{
    NoError = 0,
    FormErr = 1,
    ServFail = 2,
    NXDomain = 3,
    NotImp = 4,
    Refused = 5,
    YXDomain = 6,
    YXRRSet = 7,
    NXRRSet = 8,
    NotAuth = 9,
    NotZone = 10,
    BadVers = 16,
}

/// <summary>How a response reached us.</summary>
public enum DnsTransport
{
    Udp,
    Tcp,
}
