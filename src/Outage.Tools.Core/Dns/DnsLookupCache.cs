using System;
using System.Collections.Concurrent;
using System.Threading;
using System.Threading.Tasks;

namespace Outage.Tools.Core.Dns;

/// <summary>The result of one lookup for a check: a response, or the transport failure.</summary>
internal sealed class DnsLookup
{
    public DnsLookup(string name, DnsRecordType type, DnsResponse? response, DnsQueryException? failure)
    {
        Name = name;
        Type = type;
        Response = response;
        Failure = failure;
    }

    public string Name { get; }

    public DnsRecordType Type { get; }

    public DnsResponse? Response { get; }

    public DnsQueryException? Failure { get; }

    public bool Failed => Failure is not null || (Response is not null && Response.ResponseCode != DnsResponseCode.NoError && Response.ResponseCode != DnsResponseCode.NXDomain);

    public bool NxDomain => Response?.ResponseCode == DnsResponseCode.NXDomain;

    /// <summary>NXDOMAIN, or NOERROR without an answer of the type asked: a "void lookup" (RFC 7208 §4.6.4).</summary>
    public bool Void => !Failed && (NxDomain || !System.Linq.Enumerable.Any(Response!.Answer, a => a.Type == Type));

    public string Problem => Failure?.Message.TrimEnd('.') ?? $"{Response?.Server} answered {Name} {Type} with {Response?.ResponseCode}";
}

/// <summary>Per-operation memo of lookups, so checks that share a question ask it once.</summary>
internal sealed class DnsLookupCache
{
    private readonly DnsClient _client;
    private readonly ConcurrentDictionary<string, Lazy<Task<DnsLookup>>> _cache = new(StringComparer.OrdinalIgnoreCase);

    public DnsLookupCache(DnsClient client) => _client = client;

    public Task<DnsLookup> GetAsync(string name, DnsRecordType type, CancellationToken ct)
    {
        var fq = DnsName.Fqdn(name);
        var key = fq + "|" + (ushort)type;
        return _cache.GetOrAdd(key, _ => new Lazy<Task<DnsLookup>>(() => Run(fq, type, ct))).Value;
    }

    private async Task<DnsLookup> Run(string name, DnsRecordType type, CancellationToken ct)
    {
        try
        {
            DnsName.ToLabels(name);
            return new DnsLookup(name, type, await _client.QueryAsync(name, type, ct).ConfigureAwait(false), null);
        }
        catch (ArgumentException ex)
        {
            return new DnsLookup(name, type, null, new DnsQueryException(DnsFailureKind.NetworkError, "", $"'{name}' is not a valid DNS name: {ex.Message}", ex));
        }
        catch (DnsQueryException ex)
        {
            return new DnsLookup(name, type, null, ex);
        }
    }
}
