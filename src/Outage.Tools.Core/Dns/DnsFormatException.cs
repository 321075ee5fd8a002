using System;

namespace Outage.Tools.Core.Dns;

/// <summary>A DNS message that does not follow the wire format (RFC 1035 §4): truncated, looping pointers, over-long names.</summary>
public sealed class DnsFormatException : Exception
{
    public DnsFormatException(string message)
        : base(message)
    {
    }

    public DnsFormatException()
    {
    }

    public DnsFormatException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
