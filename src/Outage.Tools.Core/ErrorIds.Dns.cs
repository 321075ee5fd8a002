namespace Outage.Tools.Core;

public static partial class ErrorIds
{
    /// <summary>NXDOMAIN: the name does not exist (RFC 1035 §4.1.1 RCODE 3).</summary>
    public const string DnsNameNotFound = "DnsNameNotFound";

    /// <summary>SERVFAIL: the server could not answer (RCODE 2): broken zone, dead forwarder, failed DNSSEC validation.</summary>
    public const string DnsServerFailure = "DnsServerFailure";

    /// <summary>REFUSED: the server will not answer this question for us (RCODE 5): not authoritative, recursion not allowed.</summary>
    public const string DnsQueryRefused = "DnsQueryRefused";

    /// <summary>Any other error RCODE (FORMERR, NOTIMP, BADVERS...).</summary>
    public const string DnsResponseError = "DnsResponseError";

    /// <summary>No server answered within the timeout, after every retry.</summary>
    public const string DnsTimeout = "DnsTimeout";

    /// <summary>The server's port is closed (ICMP port unreachable, TCP RST), or the network failed.</summary>
    public const string DnsConnectionFailed = "DnsConnectionFailed";

    /// <summary>A name that cannot be a DNS name (empty label, label over 63 octets, name over 255, non-ASCII).</summary>
    public const string DnsInvalidName = "DnsInvalidName";

    /// <summary>A -Server / --server value that is not host[:port].</summary>
    public const string DnsInvalidServer = "DnsInvalidServer";

    /// <summary>No server given and none found in the system configuration.</summary>
    public const string DnsNoServer = "DnsNoServer";

    /// <summary>A DNS -Timeout / --timeout outside its range.</summary>
    public const string DnsTimeoutInvalid = "DnsTimeoutInvalid";
}
