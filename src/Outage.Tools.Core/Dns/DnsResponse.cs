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
        IgnoredAnswers = q is null ? Array.Empty<DnsRecord>() : KeepAnswersFor(message, q.Name);
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

    /// <summary>
    /// Answer records the server sent for another name than the question (nor on its CNAME/DNAME chain): dropped
    /// from <see cref="Answer"/> and never used (RFC 2181 §5.4.1, RFC 5452 §9 — an answer for an unrelated name
    /// is how a cache is poisoned, and the endpoint probe must not connect to such an address).
    /// </summary>
    public IReadOnlyList<DnsRecord> IgnoredAnswers { get; }

    /// <summary>Removes from the answer section the records whose owner is not <paramref name="qname"/> or a name its CNAME/DNAME chain leads to.</summary>
    private static IReadOnlyList<DnsRecord> KeepAnswersFor(DnsMessage message, string qname)
    {
        static string N(string n) => n.TrimEnd('.').ToLowerInvariant();
        var chain = new HashSet<string>(StringComparer.Ordinal) { N(qname) };
        // Follow CNAMEs (and DNAMEs over an ancestor, RFC 6672 §2.2) in whatever order they come, bounded by the section size.
        for (var round = 0; round <= message.Answers.Count; round++)
        {
            var grew = false;
            foreach (var r in message.Answers)
            {
                if (r is DnsCnameRecord c && chain.Contains(N(c.Name)))
                {
                    grew |= chain.Add(N(c.Target));
                }
            }

            if (!grew)
            {
                break;
            }
        }

        bool Owned(DnsRecord r)
        {
            var owner = N(r.Name);
            if (chain.Contains(owner))
            {
                return true;
            }

            // A DNAME (and its signature) is owned by an ancestor of a name on the chain.
            return (r is DnsDnameRecord || r.Type == DnsRecordType.RRSIG) && chain.Any(n => n.EndsWith("." + owner, StringComparison.Ordinal) || owner.Length == 0);
        }

        var ignored = message.Answers.Where(r => !Owned(r)).ToList();
        if (ignored.Count > 0)
        {
            message.Answers.RemoveAll(r => !Owned(r));
        }

        return ignored;
    }

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
