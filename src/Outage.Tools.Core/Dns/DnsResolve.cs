using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using Outage.Tools.Core.Operations;

namespace Outage.Tools.Core.Dns;

/// <summary>What Resolve-DnsRecord / <c>outage dns resolve</c> asks.</summary>
public sealed class DnsResolveRequest
{
    /// <summary>The names, read lazily (a stream of thousands is fine: memory stays bounded).</summary>
    public IEnumerable<string> Names { get; set; } = Array.Empty<string>();

    /// <summary>Explicit questions (name and type each), asked after <see cref="Names"/> × <see cref="Types"/>; read lazily too.</summary>
    public IEnumerable<DnsQuestion>? Questions { get; set; }

    /// <summary>Types asked for each name; empty = A and AAAA.</summary>
    public IList<DnsRecordType> Types { get; } = new List<DnsRecordType>();

    /// <summary>"host[:port]" servers, tried in order; empty = the system's resolvers.</summary>
    public IList<string> Servers { get; } = new List<string>();

    public bool Tcp { get; set; }

    public bool NoRecursion { get; set; }

    public bool DnssecOk { get; set; }

    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(2);

    public int Retry { get; set; } = 1;

    /// <summary>Queries in flight at once.</summary>
    public int ThrottleLimit { get; set; } = 64;
}

/// <summary>The Resolve-DnsRecord operation: every (name, type) question, many in flight, results in input order.</summary>
public static class DnsResolve
{
    /// <summary>Builds the client a request describes; throws <see cref="OutageException"/> for unusable servers or options.</summary>
    public static DnsClient CreateClient(IEnumerable<string> servers, TimeSpan timeout, int retry, bool tcp, bool noRecursion, bool dnssecOk)
    {
        var endpoints = ParseServers(servers);
        var options = new DnsQueryOptions { Timeout = timeout, Retries = retry, UseTcp = tcp, Recursion = !noRecursion, DnssecOk = dnssecOk };
        try
        {
            return new DnsClient(endpoints, options);
        }
        catch (ArgumentOutOfRangeException ex)
        {
            throw new OutageException(ErrorIds.InvalidArgument, OutageErrorCategory.InvalidArgument, ex.Message.Split('\n')[0], ex.ActualValue,
                "Give a timeout above zero (at most 5 minutes) and 0 to 10 retries.");
        }
    }

    /// <summary>Throws <see cref="OutageException"/> for a timeout or retry count a client would refuse.</summary>
    public static void ValidateOptions(TimeSpan timeout, int retry)
    {
        try
        {
            new DnsQueryOptions { Timeout = timeout, Retries = retry }.Validate();
        }
        catch (ArgumentOutOfRangeException ex)
        {
            throw new OutageException(ErrorIds.InvalidArgument, OutageErrorCategory.InvalidArgument, ex.Message.Split('\n')[0], ex.ActualValue,
                "Give a timeout above zero (at most 5 minutes) and 0 to 10 retries.");
        }
    }

    /// <summary>Parses "host[:port]" servers, keeping the text as a label; empty in, empty out.</summary>
    public static List<(string Label, IPEndPoint EndPoint)> ParseServersOrEmpty(IEnumerable<string> servers)
    {
        var list = new List<(string, IPEndPoint)>();
        foreach (var s in servers ?? Array.Empty<string>())
        {
            foreach (var ep in ParseServers(new[] { s }))
            {
                list.Add((s, ep));
            }
        }

        return list;
    }

    /// <summary>Parses "host[:port]" servers, or finds the system's when none is given.</summary>
    public static IReadOnlyList<IPEndPoint> ParseServers(IEnumerable<string> servers)
    {
        var list = new List<IPEndPoint>();
        foreach (var s in servers ?? Array.Empty<string>())
        {
            try
            {
                list.Add(DnsServerAddress.Parse(s));
            }
            catch (FormatException ex)
            {
                throw new OutageException(ErrorIds.DnsInvalidServer, OutageErrorCategory.InvalidArgument, $"The server '{s}' cannot be used: {ex.Message}", s,
                    "Give servers as host[:port], e.g. 192.0.2.53, 192.0.2.53:5300, [2001:db8::53]:53 or ns1.example.net.");
            }
        }

        if (list.Count == 0)
        {
            list.AddRange(DnsServerAddress.SystemServers());
            if (list.Count == 0)
            {
                throw new OutageException(ErrorIds.DnsNoServer, OutageErrorCategory.ResourceUnavailable,
                    "No DNS server was given and none is configured on this system (/etc/resolv.conf or the network interfaces).", null,
                    "Name one with -Server / --server host[:port].");
            }
        }

        return list;
    }

    private static void Validate(DnsResolveRequest request)
    {
        if (request is null)
        {
            throw new ArgumentNullException(nameof(request));
        }

        if (request.ThrottleLimit < 1 || request.ThrottleLimit > 4096)
        {
            throw new OutageException(ErrorIds.InvalidArgument, OutageErrorCategory.InvalidArgument,
                $"ThrottleLimit {request.ThrottleLimit} is out of range.", request.ThrottleLimit, "Give 1 to 4096 queries in flight.");
        }
    }

    /// <summary>Whole responses (Resolve-DnsRecord -Raw). Every response code is a result; only no answer at all is an error.</summary>
    public static IEnumerable<Outcome<DnsResponse>> RunRaw(DnsResolveRequest request, IProgress<OperationProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        Validate(request);
        var client = CreateClient(request.Servers, request.Timeout, request.Retry, request.Tcp, request.NoRecursion, request.DnssecOk);
        return Iterate(request, client, progress, cancellationToken).Select(r => r.Error is null
            ? Outcome<DnsResponse>.Success(r.Response!)
            : Outcome<DnsResponse>.Failure(r.Error));
    }

    /// <summary>The answer records of each question; NXDOMAIN, SERVFAIL, REFUSED and timeouts are per-name errors.</summary>
    public static IEnumerable<Outcome<DnsRecord>> Run(DnsResolveRequest request, IProgress<OperationProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        Validate(request);
        var client = CreateClient(request.Servers, request.Timeout, request.Retry, request.Tcp, request.NoRecursion, request.DnssecOk);
        return Records(Iterate(request, client, progress, cancellationToken));
    }

    private static IEnumerable<Outcome<DnsRecord>> Records(IEnumerable<QueryResult> results)
    {
        // NXDOMAIN says the name does not exist, whatever the type (RFC 8020): one error per name, not one per A/AAAA.
        var missing = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var r in results)
        {
            if (r.Error is not null)
            {
                yield return Outcome<DnsRecord>.Failure(r.Error);
                continue;
            }

            var error = ErrorFor(r.Response!);
            if (error is not null)
            {
                if (error.ErrorId != ErrorIds.DnsNameNotFound || missing.Add(r.Response!.Name.TrimEnd('.')))
                {
                    yield return Outcome<DnsRecord>.Failure(error);
                }

                continue;
            }

            if (r.Response!.Answer.Count == 0)
            {
                yield return Outcome<DnsRecord>.Note($"{r.Response.Name} has no {r.Response.Type} records at {r.Response.Server} (NOERROR, no data).");
            }

            foreach (var rec in r.Response.Answer)
            {
                yield return Outcome<DnsRecord>.Success(rec);
            }
        }
    }

    internal sealed class QueryResult
    {
        public DnsResponse? Response { get; set; }

        public ItemError? Error { get; set; }
    }

    private static IEnumerable<QueryResult> Iterate(DnsResolveRequest request, DnsClient client, IProgress<OperationProgress>? progress,
        CancellationToken cancellationToken)
    {
        var types = request.Types.Count == 0 ? new[] { DnsRecordType.A, DnsRecordType.AAAA } : request.Types.Distinct().ToArray();
        // Names still arriving (piped into the cmdlet one by one) stay an arriving sequence, so QueryMany hands out
        // answers while it waits for the next name instead of blocking on it.
        var items = ArrivingSequence.SelectMany(request.Names, n => types.Select(t => ToItem(n, t)));
        if (request.Questions is not null)
        {
            items = items.Concat(request.Questions.Select(q => ToItem(q.Name, q.Type)));
        }

        long done = 0;
        foreach (var item in client.QueryMany(items, request.ThrottleLimit, cancellationToken))
        {
            done++;
            if (progress is not null && (done & 255) == 1)
            {
                progress.Report(new OperationProgress("Resolve-DnsRecord", $"{done} questions answered"));
            }

            var (name, type, invalid) = ((string, DnsRecordType, ItemError?))item.State!;
            yield return invalid is not null ? new QueryResult { Error = invalid }
                : item.Error is not null ? new QueryResult { Error = ErrorFor(item.Error, name, type) }
                : new QueryResult { Response = item.Response };
        }
    }

    /// <summary>A bulk item for one question; a name that cannot be asked passes through with its error, in order.</summary>
    private static DnsBatchItem ToItem(string name, DnsRecordType type)
    {
        try
        {
            DnsName.ToLabels(name);
        }
        catch (ArgumentException ex)
        {
            return new DnsBatchItem(null, (name, type, new ItemError(ErrorIds.DnsInvalidName, OutageErrorCategory.InvalidArgument, ex.Message, name, "Correct the name.")));
        }

        return new DnsBatchItem(new DnsQuestion(name, type), (name, type, (ItemError?)null));
    }

    /// <summary>The per-name error for a transport failure.</summary>
    public static ItemError ErrorFor(DnsQueryException ex, string name, DnsRecordType type) => ex.Kind switch
    {
        DnsFailureKind.Timeout => new ItemError(ErrorIds.DnsTimeout, OutageErrorCategory.OperationTimeout,
            $"No answer for {DnsName.Fqdn(name)} {type}: {ex.Message}", name,
            "Check that the server is up and reachable (firewall, UDP and TCP port 53), or raise -Timeout / -Retry.", ex),
        DnsFailureKind.ConnectionRefused => new ItemError(ErrorIds.DnsConnectionFailed, OutageErrorCategory.ConnectionError,
            $"No answer for {DnsName.Fqdn(name)} {type}: {ex.Message}", name, "Check the server address and port; no DNS server listens there.", ex),
        _ => new ItemError(ErrorIds.DnsConnectionFailed, OutageErrorCategory.ConnectionError,
            $"No answer for {DnsName.Fqdn(name)} {type}: {ex.Message}", name, "Check the network path to the server.", ex),
    };

    /// <summary>The per-name error an error RCODE means, or null for NOERROR.</summary>
    public static ItemError? ErrorFor(DnsResponse r)
    {
        if (r is null)
        {
            throw new ArgumentNullException(nameof(r));
        }

        return r.ResponseCode switch
        {
            DnsResponseCode.NoError => null,
            DnsResponseCode.NXDomain => new ItemError(ErrorIds.DnsNameNotFound, OutageErrorCategory.ObjectNotFound,
                $"{r.Name} does not exist (NXDOMAIN from {r.Server}).", r.Name, "Check the spelling, or whether the record was deleted from the zone."),
            DnsResponseCode.ServFail => new ItemError(ErrorIds.DnsServerFailure, OutageErrorCategory.ResourceUnavailable,
                $"{r.Server} could not answer {r.Name} {r.Type} (SERVFAIL).", r.Name,
                "The zone may be broken, its servers unreachable, or DNSSEC validation failing; ask the authoritative servers directly (Test-DnsZoneConsistency)."),
            DnsResponseCode.Refused => new ItemError(ErrorIds.DnsQueryRefused, OutageErrorCategory.PermissionDenied,
                $"{r.Server} refused to answer {r.Name} {r.Type} (REFUSED).", r.Name,
                "The server is not authoritative for this name or does not offer recursion to you; ask another server."),
            _ => new ItemError(ErrorIds.DnsResponseError, OutageErrorCategory.ProtocolError,
                $"{r.Server} answered {r.Name} {r.Type} with {r.ResponseCode}.", r.Name, "Try another server, or -Tcp."),
        };
    }
}
