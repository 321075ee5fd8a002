using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using Outage.Tools.Core.Operations;

namespace Outage.Tools.Core.Dns;

/// <summary>What Test-DnsZoneConsistency / <c>outage dns consistency</c> checks.</summary>
public sealed class ZoneConsistencyRequest
{
    public string Zone { get; set; } = "";

    /// <summary>Authoritative servers as host[:port]; empty = the zone's NS records, found through <see cref="Servers"/>.</summary>
    public IList<string> NameServers { get; } = new List<string>();

    /// <summary>Resolvers used to find the NS records and their addresses; empty = the system's.</summary>
    public IList<string> Servers { get; } = new List<string>();

    /// <summary>Names whose answers must agree on every server (answer-consistent).</summary>
    public IList<string> Names { get; } = new List<string>();

    /// <summary>Types asked for <see cref="Names"/>; empty = A.</summary>
    public IList<DnsRecordType> Types { get; } = new List<DnsRecordType>();

    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(2);

    public int Retry { get; set; } = 1;
}

/// <summary>
/// Test-DnsZoneConsistency: asks every authoritative server of a zone directly (RD=0) and compares them.
/// Check ids: ns-reachable, ns-authoritative, soa-serial-consistent, ns-set-consistent, answer-consistent,
/// edns, response-time, soa-timers (Zonemaster's SOA timer ranges, as warnings).
/// </summary>
public static class ZoneConsistencyCheck
{
    public static readonly IReadOnlyList<string> CheckIds = new[]
    {
        "ns-reachable", "ns-authoritative", "soa-serial-consistent", "ns-set-consistent", "answer-consistent", "edns", "response-time", "soa-timers",
    };

    public static IEnumerable<Outcome<DnsCheckResult>> Run(ZoneConsistencyRequest request, IProgress<OperationProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        if (request is null)
        {
            throw new ArgumentNullException(nameof(request));
        }

        try
        {
            DnsName.ToLabels(request.Zone);
        }
        catch (ArgumentException ex)
        {
            throw new OutageException(ErrorIds.DnsInvalidName, OutageErrorCategory.InvalidArgument, ex.Message, request.Zone, "Give the zone's name, e.g. contoso.com.");
        }

        var servers = DnsResolve.ParseServersOrEmpty(request.NameServers);
        DnsResolve.ValidateOptions(request.Timeout, request.Retry);
        progress?.Report(new OperationProgress("Test-DnsZoneConsistency", $"Checking {request.Zone}"));
        return RunAsync(request, servers, cancellationToken).GetAwaiter().GetResult();
    }

    private sealed class ServerView
    {
        public ServerView(string label, IPEndPoint endPoint)
        {
            Label = label;
            EndPoint = endPoint;
        }

        public string Label { get; }

        public IPEndPoint EndPoint { get; }

        public DnsResponse? UdpSoa { get; set; }

        public DnsQueryException? UdpError { get; set; }

        public DnsResponse? TcpSoa { get; set; }

        public DnsQueryException? TcpError { get; set; }

        public DnsResponse? Ns { get; set; }

        public bool Ok => UdpSoa is not null && UdpSoa.ResponseCode == DnsResponseCode.NoError && UdpSoa.AuthoritativeAnswer && Soa is not null;

        public DnsSoaRecord? Soa => UdpSoa?.Answer.OfType<DnsSoaRecord>().FirstOrDefault();
    }

    private static async Task<List<Outcome<DnsCheckResult>>> RunAsync(ZoneConsistencyRequest request, List<(string Label, IPEndPoint EndPoint)> given, CancellationToken ct)
    {
        var zone = DnsName.Fqdn(request.Zone);
        var target = zone.TrimEnd('.');
        var outcomes = new List<Outcome<DnsCheckResult>>();
        var sw = Stopwatch.StartNew();
        var servers = given;
        var discovery = new List<string>();
        if (servers.Count == 0)
        {
            var resolver = DnsResolve.CreateClient(request.Servers, request.Timeout, request.Retry, false, false, false);
            servers = new List<(string, IPEndPoint)>();
            try
            {
                var ns = await resolver.QueryAsync(zone, DnsRecordType.NS, ct).ConfigureAwait(false);
                var error = DnsResolve.ErrorFor(ns);
                if (error is not null)
                {
                    throw new OutageException(error);
                }

                foreach (var name in ns.Answer.OfType<DnsNsRecord>().Select(n => n.NameServer).Distinct(StringComparer.OrdinalIgnoreCase))
                {
                    discovery.Add($"{zone} NS {name}");
                    foreach (var type in new[] { DnsRecordType.A, DnsRecordType.AAAA })
                    {
                        var a = await resolver.QueryAsync(name, type, ct).ConfigureAwait(false);
                        foreach (var rec in a.Answer.Where(r => r.Type == type))
                        {
                            servers.Add(($"{name.TrimEnd('.')} ({rec.Data})", new IPEndPoint(IPAddress.Parse(rec.Data), 53)));
                        }
                    }
                }
            }
            catch (DnsQueryException ex)
            {
                throw new OutageException(DnsResolve.ErrorFor(ex, zone, DnsRecordType.NS));
            }

            if (servers.Count == 0)
            {
                throw new OutageException(ErrorIds.DnsNoServer, OutageErrorCategory.ObjectNotFound, $"No name server addresses found for {zone}.", target,
                    "Give the servers with -NameServer host[:port].");
            }
        }

        var views = servers.Select(s => new ServerView(s.Label, s.EndPoint)).ToList();
        await Task.WhenAll(views.Select(v => Probe(v, zone, request, ct))).ConfigureAwait(false);
        var elapsed = sw.Elapsed;
        DnsCheckResult R(string check, DnsCheckStatus status, string summary, string? detail, IEnumerable<string> evidence, string reference) =>
            new(target, check, status, summary, detail, evidence.ToList(), reference, elapsed);

        // ns-reachable
        var unreachable = views.Where(v => v.UdpSoa is null || v.TcpSoa is null).ToList();
        var reachEv = discovery.Concat(views.Select(v =>
            $"{v.Label}: UDP {(v.UdpSoa is not null ? "ok" : v.UdpError!.Kind.ToString())}, TCP {(v.TcpSoa is not null ? "ok" : v.TcpError!.Kind.ToString())}"));
        outcomes.Add(Outcome<DnsCheckResult>.Success(unreachable.Count == 0
            ? R("ns-reachable", DnsCheckStatus.Pass, $"All {views.Count} servers answer over UDP and TCP.", null, reachEv, "RFC 1035 §4.2; RFC 7766 §5")
            : R("ns-reachable", DnsCheckStatus.Fail, $"{unreachable.Count} of {views.Count} servers do not answer over UDP and TCP: {string.Join(", ", unreachable.Select(v => v.Label))}.",
                "Resolvers time out on these servers; check the server, its firewall (UDP and TCP 53) and its address.", reachEv, "RFC 1035 §4.2; RFC 7766 §5")));

        // ns-authoritative
        var reached = views.Where(v => v.UdpSoa is not null).ToList();
        var lame = reached.Where(v => !v.Ok).ToList();
        var authEv = reached.Select(v => $"{v.Label}: {v.UdpSoa!.ResponseCode} flags [{v.UdpSoa.Flags}] {(v.Soa is null ? "no SOA" : "SOA " + v.Soa.SerialNumber)}");
        outcomes.Add(Outcome<DnsCheckResult>.Success(reached.Count == 0
            ? R("ns-authoritative", DnsCheckStatus.Error, "No server answered.", null, authEv, "RFC 1034 §4.3.1")
            : lame.Count == 0
                ? R("ns-authoritative", DnsCheckStatus.Pass, $"Every server that answered is authoritative (AA) for {zone}.", null, authEv, "RFC 1034 §4.3.1")
                : R("ns-authoritative", DnsCheckStatus.Fail, $"Lame: {string.Join(", ", lame.Select(v => v.Label))} not authoritative for {zone}.",
                    "A delegated server must serve the zone; remove it from the NS set or load the zone on it.", authEv, "RFC 1034 §4.3.1; RFC 8499 (lame delegation)")));

        // soa-serial-consistent
        var serials = views.Where(v => v.Soa is not null).GroupBy(v => v.Soa!.SerialNumber).ToList();
        var serialEv = views.Where(v => v.Soa is not null).Select(v => $"{v.Label}: serial {v.Soa!.SerialNumber}");
        outcomes.Add(Outcome<DnsCheckResult>.Success(serials.Count == 0
            ? R("soa-serial-consistent", DnsCheckStatus.Error, "No SOA was received.", null, serialEv, "RFC 1034 §4.3.5")
            : serials.Count == 1
                ? R("soa-serial-consistent", DnsCheckStatus.Pass, $"All servers serve serial {serials[0].Key}.", null, serialEv, "RFC 1034 §4.3.5; RFC 1982")
                : R("soa-serial-consistent", DnsCheckStatus.Fail, $"Serials differ: {string.Join(", ", serials.Select(g => $"{g.Key} on {string.Join("/", g.Select(v => v.Label))}"))}.",
                    "A secondary is not getting zone transfers (NOTIFY, allow-transfer, expired) or a primary was changed by hand: clients see old data.", serialEv, "RFC 1034 §4.3.5; RFC 1996")));

        // ns-set-consistent
        var nsSets = views.Where(v => v.Ns is not null && v.Ns.ResponseCode == DnsResponseCode.NoError)
            .Select(v => (v.Label, Set: string.Join(" ", v.Ns!.Answer.OfType<DnsNsRecord>().Select(n => n.NameServer.ToLowerInvariant()).OrderBy(n => n, StringComparer.Ordinal)))).ToList();
        var nsEv = nsSets.Select(s => $"{s.Label}: {s.Set}");
        outcomes.Add(Outcome<DnsCheckResult>.Success(nsSets.Count == 0
            ? R("ns-set-consistent", DnsCheckStatus.Error, "No NS set was received.", null, nsEv, "RFC 1034 §4.2.2")
            : nsSets.Select(s => s.Set).Distinct().Count() == 1
                ? R("ns-set-consistent", DnsCheckStatus.Pass, $"All servers return the same NS set: {nsSets[0].Set}.", null, nsEv, "RFC 1034 §4.2.2")
                : R("ns-set-consistent", DnsCheckStatus.Fail, "The servers return different NS sets.", "Make the NS records identical in every copy of the zone.", nsEv, "RFC 1034 §4.2.2")));

        // answer-consistent
        var types = request.Types.Count == 0 ? new[] { DnsRecordType.A } : request.Types.Distinct().ToArray();
        foreach (var name in request.Names)
        {
            foreach (var type in types)
            {
                var answers = await Task.WhenAll(reached.Select(async v =>
                {
                    try
                    {
                        var r = await Client(v.EndPoint, request, false).QueryAsync(name, type, ct).ConfigureAwait(false);
                        return (v.Label, Text: r.ResponseCode != DnsResponseCode.NoError ? r.ResponseCode.ToString()
                            : string.Join(" | ", r.Answer.Select(a => $"{DnsRrsigRecord.TypeName(a.Type)} {a.Data}").OrderBy(x => x, StringComparer.Ordinal)));
                    }
                    catch (DnsQueryException ex)
                    {
                        return (v.Label, Text: "no answer: " + ex.Kind);
                    }
                })).ConfigureAwait(false);
                var ev = answers.Select(a => $"{a.Label}: {(a.Text.Length == 0 ? "(no records)" : a.Text)}").ToList();
                var distinct = answers.Select(a => a.Text).Distinct().Count();
                outcomes.Add(Outcome<DnsCheckResult>.Success(distinct <= 1
                    ? R("answer-consistent", DnsCheckStatus.Pass, $"{DnsName.Fqdn(name)} {type}: the same answer from every server.", null, ev, "RFC 1034 §4.3.5")
                    : R("answer-consistent", DnsCheckStatus.Fail, $"{DnsName.Fqdn(name)} {type}: the servers disagree.", "Clients get different answers depending on the server they ask.", ev, "RFC 1034 §4.3.5")));
            }
        }

        // edns
        var noEdns = reached.Where(v => v.UdpSoa!.EdnsUdpSize is null).ToList();
        var ednsEv = reached.Select(v => $"{v.Label}: {(v.UdpSoa!.EdnsUdpSize is int size ? $"EDNS(0), UDP payload {size}" : "no OPT record in the reply")}");
        outcomes.Add(Outcome<DnsCheckResult>.Success(reached.Count == 0
            ? R("edns", DnsCheckStatus.Error, "No server answered.", null, ednsEv, "RFC 6891")
            : noEdns.Count == 0
                ? R("edns", DnsCheckStatus.Pass, "Every server supports EDNS(0).", null, ednsEv, "RFC 6891 §7")
                : R("edns", DnsCheckStatus.Warn, $"No EDNS(0) from {string.Join(", ", noEdns.Select(v => v.Label))}.", "Large answers (DNSSEC, long TXT) will need TCP.", ednsEv, "RFC 6891 §7")));

        // response-time
        var timeEv = reached.Select(v => $"{v.Label}: UDP {v.UdpSoa!.ResponseTime.TotalMilliseconds:0.0} ms" +
            (v.TcpSoa is not null ? $", TCP {v.TcpSoa.ResponseTime.TotalMilliseconds:0.0} ms" : ""));
        var slow = reached.Where(v => v.UdpSoa!.ResponseTime > TimeSpan.FromMilliseconds(500)).ToList();
        outcomes.Add(Outcome<DnsCheckResult>.Success(reached.Count == 0
            ? R("response-time", DnsCheckStatus.Error, "No server answered.", null, timeEv, "RFC 1035 §4.2")
            : R("response-time", slow.Count == 0 ? DnsCheckStatus.Pass : DnsCheckStatus.Warn,
                slow.Count == 0 ? "Every server answers within 500 ms." : $"Slow (over 500 ms): {string.Join(", ", slow.Select(v => v.Label))}.", null, timeEv, "RFC 1035 §4.2")));

        // soa-timers (Zonemaster Zone02-06: warnings)
        var soa = views.Select(v => v.Soa).FirstOrDefault(s => s is not null);
        if (soa is not null)
        {
            var warnings = new List<string>();
            if (soa.Refresh < 14400)
            {
                warnings.Add($"refresh {soa.Refresh} < 14400");
            }

            if (soa.Retry >= soa.Refresh)
            {
                warnings.Add($"retry {soa.Retry} is not below refresh {soa.Refresh}");
            }

            if (soa.Retry < 3600)
            {
                warnings.Add($"retry {soa.Retry} < 3600");
            }

            if (soa.Expire < 604800 || soa.Expire < soa.Refresh)
            {
                warnings.Add($"expire {soa.Expire} < 604800");
            }

            if (soa.Minimum < 300 || soa.Minimum > 86400)
            {
                warnings.Add($"minimum {soa.Minimum} outside 300..86400");
            }

            var ev = new[] { $"{zone} SOA {soa.Data}" };
            outcomes.Add(Outcome<DnsCheckResult>.Success(warnings.Count == 0
                ? R("soa-timers", DnsCheckStatus.Pass, "SOA timers are in Zonemaster's recommended ranges.", null, ev, "Zonemaster Zone02-Zone06; RFC 1912 §2.2")
                : R("soa-timers", DnsCheckStatus.Warn, "SOA timers outside the recommended ranges: " + string.Join("; ", warnings) + ".",
                    "Short expire makes secondaries drop the zone quickly when the primary is down.", ev, "Zonemaster Zone02-Zone06; RFC 1912 §2.2")));
        }

        return outcomes;
    }

    private static DnsClient Client(IPEndPoint server, ZoneConsistencyRequest request, bool tcp) =>
        new(new[] { server }, new DnsQueryOptions
        {
            Timeout = request.Timeout, Retries = request.Retry, Recursion = false, UseTcp = tcp, FailoverOnServerFailure = false,
        });

    private static async Task Probe(ServerView v, string zone, ZoneConsistencyRequest request, CancellationToken ct)
    {
        try
        {
            v.UdpSoa = await Client(v.EndPoint, request, false).QueryAsync(zone, DnsRecordType.SOA, ct).ConfigureAwait(false);
        }
        catch (DnsQueryException ex)
        {
            v.UdpError = ex;
        }

        try
        {
            v.TcpSoa = await Client(v.EndPoint, request, true).QueryAsync(zone, DnsRecordType.SOA, ct).ConfigureAwait(false);
        }
        catch (DnsQueryException ex)
        {
            v.TcpError = ex;
        }

        if (v.UdpSoa is not null)
        {
            try
            {
                v.Ns = await Client(v.EndPoint, request, false).QueryAsync(zone, DnsRecordType.NS, ct).ConfigureAwait(false);
            }
            catch (DnsQueryException)
            {
            }
        }
    }
}
