using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using Outage.Tools.Core.Dns;
using Outage.Tools.Core.Operations;

namespace Outage.Tools.Core.Endpoints;

/// <summary>
/// Resolves endpoint host names through our own DNS client and a chosen server (-DnsServer / --dns-server),
/// which ties DNS and endpoint diagnosis together: "OWA fails when resolved through the public DNS host" is
/// then one probe. Follows CNAME chains inside the answer as the server gives them (RFC 1034 §3.6.2). Also answers
/// the SRV lookup of Autodiscover's last step (_autodiscover._tcp.DOMAIN, MS-OXDISCO §3.1.5.2; RFC 2782).
/// </summary>
public sealed class DnsHostResolver : IHostResolver, ISrvResolver
{
    private readonly DnsClient _client;

    public DnsHostResolver(string server, TimeSpan? timeout = null)
    {
        Server = server ?? throw new ArgumentNullException(nameof(server));
        IPEndPoint endpoint;
        try
        {
            endpoint = DnsServerAddress.Parse(server);
        }
        catch (FormatException ex)
        {
            throw new OutageException(ErrorIds.InvalidArgument, OutageErrorCategory.InvalidArgument,
                $"'{server}' is not a DNS server address: {ex.Message}", server, "Give host[:port], e.g. 192.0.2.53 or [2001:db8::53]:5353.", ex);
        }

        _client = new DnsClient(new[] { endpoint }, new DnsQueryOptions { Timeout = timeout ?? TimeSpan.FromSeconds(2), Retries = 1 });
    }

    public string Server { get; }

    public async Task<IPAddress[]> ResolveAsync(string host, AddressFamily? family, CancellationToken cancellationToken)
    {
        if (IPAddress.TryParse(host, out var literal))
        {
            return new[] { literal };
        }

        var types = family switch
        {
            AddressFamily.InterNetwork => new[] { DnsRecordType.A },
            AddressFamily.InterNetworkV6 => new[] { DnsRecordType.AAAA },
            _ => new[] { DnsRecordType.A, DnsRecordType.AAAA },
        };
        var addresses = new List<IPAddress>();
        string? failure = null;
        foreach (var type in types)
        {
            DnsResponse response;
            try
            {
                response = await _client.QueryAsync(host, type, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not DnsLookupException && !cancellationToken.IsCancellationRequested)
            {
                // The server did not answer (timeout, refused): to a client that is a failed name lookup, and the
                // probe reports it at its DnsLookup stage, as a DNS hosting outage looks to OWA and Outlook users.
                throw new DnsLookupException($"the DNS server {Server} did not answer: {ex.Message}");
            }

            if (response.ResponseCode != DnsResponseCode.NoError)
            {
                failure = $"{response.ResponseCode} from {Server}";
                continue;
            }

            addresses.AddRange(response.Answer.OfType<DnsARecord>().Select(a => a.Ip));
            addresses.AddRange(response.Answer.OfType<DnsAaaaRecord>().Select(a => a.Ip));
        }

        if (addresses.Count == 0)
        {
            // The probe reports a SocketException as a DnsLookup failure (NameNotResolved) with this text.
            throw new DnsLookupException($"the DNS server {Server} has no address for it" + (failure is null ? string.Empty : $" ({failure})"));
        }

        return addresses.ToArray();
    }

    /// <summary>The SRV targets of <paramref name="name"/> (none for NXDOMAIN or no records; RFC 2782: a target of "." means no service).</summary>
    public async Task<SrvTarget[]> ResolveSrvAsync(string name, CancellationToken cancellationToken)
    {
        DnsResponse response;
        try
        {
            response = await _client.QueryAsync(name, DnsRecordType.SRV, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not DnsLookupException && !cancellationToken.IsCancellationRequested)
        {
            throw new DnsLookupException($"the DNS server {Server} did not answer: {ex.Message}");
        }

        if (response.ResponseCode == DnsResponseCode.NXDomain)
        {
            return Array.Empty<SrvTarget>();
        }

        if (response.ResponseCode != DnsResponseCode.NoError)
        {
            throw new DnsLookupException($"{response.ResponseCode} from {Server} for the SRV record {name}");
        }

        return response.Answer.OfType<DnsSrvRecord>().Where(r => r.Target.TrimEnd('.').Length > 0)
            .Select(r => new SrvTarget(r.Target.TrimEnd('.'), r.Port, r.Priority, r.Weight)).ToArray();
    }
}

/// <summary>A name that the chosen DNS server does not resolve.</summary>
public sealed class DnsLookupException : SocketException
{
    private readonly string _message;

    public DnsLookupException(string message)
        : base((int)SocketError.HostNotFound) => _message = message;

    public override string Message => _message;
}
