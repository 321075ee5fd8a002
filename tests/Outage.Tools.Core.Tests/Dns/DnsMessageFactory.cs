using System.Net;
using Outage.Tools.Core.Dns;

namespace Outage.Tools.Core.Tests.Dns;

internal static class DnsMessageFactory
{
    public static DnsARecord A(string name, string address, uint ttl = 300) =>
        new() { Name = DnsName.Fqdn(name), Type = DnsRecordType.A, Ttl = ttl, Ip = IPAddress.Parse(address), Section = DnsSection.Answer };
}
