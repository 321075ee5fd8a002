using System;
using System.Collections.Generic;
using System.Linq;

namespace Outage.Tools.Core.Dns;

/// <summary>
/// A whole response as received: the question, the response code, the header flags, all sections, the size,
/// the transport used (UDP, or TCP after TC=1 or on request), the server and the time the exchange took.
/// This is what Resolve-DnsRecord -Raw returns.
/// </summary>
public sealed class DnsResponse
{
    internal DnsResponse(DnsMessage message, string server, DnsTransport transport, int size, TimeSpan responseTime, bool truncatedOverUdp)
    {
        Message = message;
        Server = server;
        Transport = transport;
        Size = size;
        ResponseTime = responseTime;
        TruncatedOverUdp = truncatedOverUdp;
        var q = message.Questions.FirstOrDefault();
        Name = q?.Name ?? ".";
        Type = q?.Type ?? 0;
        foreach (var r in message.Answers.Concat(message.Authority).Concat(message.Additional))
        {
            r.Server = server;
            r.ResponseTime = responseTime;
        }
    }

    public string Name { get; }

    public DnsRecordType Type { get; }

    public string Server { get; }

    public DnsResponseCode ResponseCode => Message.ResponseCode;

    /// <summary>AA: the server is authoritative for the answer (RFC 1035 §4.1.1).</summary>
    public bool AuthoritativeAnswer => Message.AuthoritativeAnswer;

    /// <summary>TC in the message returned (normally false: a truncated UDP answer is retried over TCP).</summary>
    public bool Truncated => Message.Truncated;

    public bool RecursionDesired => Message.RecursionDesired;

    public bool RecursionAvailable => Message.RecursionAvailable;

    /// <summary>AD: the resolver validated the data with DNSSEC (RFC 4035 §3.2.3).</summary>
    public bool AuthenticData => Message.AuthenticData;

    public bool CheckingDisabled => Message.CheckingDisabled;

    /// <summary>The flags as dig prints them ("qr aa rd ra").</summary>
    public string Flags => string.Join(" ", new[]
    {
        Message.IsResponse ? "qr" : null, AuthoritativeAnswer ? "aa" : null, Truncated ? "tc" : null, RecursionDesired ? "rd" : null,
        RecursionAvailable ? "ra" : null, AuthenticData ? "ad" : null, CheckingDisabled ? "cd" : null,
    }.Where(f => f is not null));

    public IReadOnlyList<DnsRecord> Answer => Message.Answers;

    public IReadOnlyList<DnsRecord> Authority => Message.Authority;

    public IReadOnlyList<DnsRecord> Additional => Message.Additional;

    /// <summary>The server's EDNS UDP payload size, or null when it sent no OPT record.</summary>
    public int? EdnsUdpSize => Message.Opt?.UdpPayloadSize;

    /// <summary>Octets of the response message.</summary>
    public int Size { get; }

    public DnsTransport Transport { get; }

    /// <summary>True when the UDP answer had TC=1 and the response was fetched again over TCP (RFC 7766 §5).</summary>
    public bool TruncatedOverUdp { get; }

    public TimeSpan ResponseTime { get; }

    /// <summary>The parsed message (internal: the public properties above expose all of it).</summary>
    internal DnsMessage Message { get; }

    public override string ToString() => $"{Name} {Type} {ResponseCode} from {Server} ({Answer.Count} answers, {Transport}, {ResponseTime.TotalMilliseconds:0.0} ms)";
}

/// <summary>Why a server gave no usable response: it never answered, refused the connection, or sent only garbage.</summary>
public enum DnsFailureKind
{
    Timeout,
    ConnectionRefused,
    NetworkError,
}

/// <summary>No usable response from any server for one question.</summary>
public sealed class DnsQueryException : Exception
{
    public DnsQueryException(DnsFailureKind kind, string server, string message, Exception? inner = null)
        : base(message, inner)
    {
        Kind = kind;
        Server = server;
    }

    public DnsQueryException()
    {
        Server = "";
    }

    public DnsQueryException(string message)
        : base(message)
    {
        Server = "";
    }

    public DnsQueryException(string message, Exception inner)
        : base(message, inner)
    {
        Server = "";
    }

    public DnsFailureKind Kind { get; }

    public string Server { get; }
}
