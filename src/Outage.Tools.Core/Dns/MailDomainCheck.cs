using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using Outage.Tools.Core.Operations;

namespace Outage.Tools.Core.Dns;

/// <summary>What Test-MailDomain / <c>outage dns mail</c> checks.</summary>
public sealed class MailDomainRequest
{
    public IEnumerable<string> Domains { get; set; } = Array.Empty<string>();

    /// <summary>"host[:port]" resolvers; empty = the system's.</summary>
    public IList<string> Servers { get; } = new List<string>();

    /// <summary>DKIM selectors to check (selector._domainkey.domain); none = no dkim-key check.</summary>
    public IList<string> DkimSelectors { get; } = new List<string>();

    /// <summary>The Outlook on the web host name to check (owa-host), when given.</summary>
    public string? OwaHost { get; set; }

    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(2);

    public int Retry { get; set; } = 1;

    /// <summary>Domains checked at once.</summary>
    public int ThrottleLimit { get; set; } = 32;
}

/// <summary>
/// Test-MailDomain: the mail-related records of each domain, one <see cref="DnsCheckResult"/> per check, with the
/// stable ids mx-present, mx-target, spf-present, spf-single, spf-syntax, spf-lookup-limit, spf-void-lookups,
/// spf-all, dmarc-present, dmarc-syntax, dmarc-policy, dkim-key, mta-sts, tls-rpt, autodiscover, owa-host.
/// </summary>
public static class MailDomainCheck
{
    public static readonly IReadOnlyList<string> CheckIds = new[]
    {
        "mx-present", "mx-target", "spf-present", "spf-single", "spf-syntax", "spf-lookup-limit", "spf-void-lookups", "spf-all",
        "dmarc-present", "dmarc-syntax", "dmarc-policy", "dkim-key", "mta-sts", "tls-rpt", "autodiscover", "owa-host",
    };

    public static IEnumerable<Outcome<DnsCheckResult>> Run(MailDomainRequest request, IProgress<OperationProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        if (request is null)
        {
            throw new ArgumentNullException(nameof(request));
        }

        if (request.ThrottleLimit < 1 || request.ThrottleLimit > 1024)
        {
            throw new OutageException(ErrorIds.InvalidArgument, OutageErrorCategory.InvalidArgument, $"ThrottleLimit {request.ThrottleLimit} is out of range.",
                request.ThrottleLimit, "Give 1 to 1024 domains at once.");
        }

        var client = DnsResolve.CreateClient(request.Servers, request.Timeout, request.Retry, false, false, false);
        return Iterate(request, client, progress, cancellationToken);
    }

    private static IEnumerable<Outcome<DnsCheckResult>> Iterate(MailDomainRequest request, DnsClient client, IProgress<OperationProgress>? progress,
        CancellationToken ct)
    {
        var done = 0;
        foreach (var batch in OrderedParallel.Run(request.Domains, (d, t) => CheckDomainAsync(client, d, request, t), request.ThrottleLimit, ct))
        {
            done++;
            progress?.Report(new OperationProgress("Test-MailDomain", $"{done} domains checked"));
            foreach (var o in batch)
            {
                yield return o;
            }
        }
    }

    internal static async Task<List<Outcome<DnsCheckResult>>> CheckDomainAsync(DnsClient client, string domain, MailDomainRequest request, CancellationToken ct)
    {
        var list = new List<Outcome<DnsCheckResult>>();
        try
        {
            DnsName.ToLabels(domain);
        }
        catch (ArgumentException ex)
        {
            list.Add(Outcome<DnsCheckResult>.Failure(new ItemError(ErrorIds.DnsInvalidName, OutageErrorCategory.InvalidArgument, ex.Message, domain, "Correct the domain name.")));
            return list;
        }

        var d = DnsName.Fqdn(domain).TrimEnd('.');
        var cache = new DnsLookupCache(client);
        var ctx = new Ctx(d, cache, ct);
        var tasks = new List<Task<IEnumerable<DnsCheckResult>>>
        {
            Timed(() => Mx(ctx)),
            Timed(() => Spf(ctx)),
            Timed(() => Dmarc(ctx)),
            Timed(() => Dkim(ctx, request.DkimSelectors)),
            Timed(() => TaggedTxt(ctx, "mta-sts", "_mta-sts." + d, "v=STSv1", new[] { "id" }, "RFC 8461 §3.1")),
            Timed(() => TaggedTxt(ctx, "tls-rpt", "_smtp._tls." + d, "v=TLSRPTv1", new[] { "rua" }, "RFC 8460 §3")),
            Timed(() => Autodiscover(ctx)),
        };
        if (!string.IsNullOrWhiteSpace(request.OwaHost))
        {
            tasks.Add(Timed(() => Owa(ctx, request.OwaHost!)));
        }

        foreach (var t in tasks)
        {
            foreach (var r in await t.ConfigureAwait(false))
            {
                list.Add(Outcome<DnsCheckResult>.Success(r));
            }
        }

        return list;
    }

    private sealed class Ctx
    {
        public Ctx(string domain, DnsLookupCache cache, CancellationToken ct)
        {
            Domain = domain;
            Cache = cache;
            Ct = ct;
        }

        public string Domain { get; }

        public DnsLookupCache Cache { get; }

        public CancellationToken Ct { get; }

        public Task<DnsLookup> Q(string name, DnsRecordType type) => Cache.GetAsync(name, type, Ct);
    }

    /// <summary>Runs a group of checks and stamps each result with the group's elapsed time.</summary>
    private static async Task<IEnumerable<DnsCheckResult>> Timed(Func<Task<IEnumerable<(string Check, DnsCheckStatus Status, string Summary, string? Detail, IReadOnlyList<string> Evidence, string Reference, string Target)>>> run)
    {
        var sw = Stopwatch.StartNew();
        var results = await run().ConfigureAwait(false);
        var elapsed = sw.Elapsed;
        return results.Select(r => new DnsCheckResult(r.Target, r.Check, r.Status, r.Summary, r.Detail, r.Evidence, r.Reference, elapsed)).ToList();
    }

    private static (string, DnsCheckStatus, string, string?, IReadOnlyList<string>, string, string) R(Ctx c, string check, DnsCheckStatus status,
        string summary, string? detail, IEnumerable<string> evidence, string reference) =>
        (check, status, summary, detail, evidence.ToList(), reference, c.Domain);

    private static IEnumerable<string> Ev(DnsLookup l) =>
        l.Response is null ? new[] { $"{l.Name} {l.Type}: {l.Failure?.Message}" }
        : l.Response.ResponseCode != DnsResponseCode.NoError ? new[] { $"{l.Name} {l.Type}: {l.Response.ResponseCode}" }
        : l.Response.Answer.Count == 0 ? new[] { $"{l.Name} {l.Type}: no records" }
        : l.Response.Answer.Select(a => $"{a.Name} {a.Ttl} {DnsRrsigRecord.TypeName(a.Type)} {a.Data}");

    private static List<string> TxtStrings(DnsLookup l) =>
        l.Response?.Answer.OfType<DnsTxtRecord>().Select(t => t.Text).ToList() ?? new List<string>();

    private static async Task<IEnumerable<(string, DnsCheckStatus, string, string?, IReadOnlyList<string>, string, string)>> Mx(Ctx c)
    {
        var results = new List<(string, DnsCheckStatus, string, string?, IReadOnlyList<string>, string, string)>();
        var l = await c.Q(c.Domain, DnsRecordType.MX).ConfigureAwait(false);
        if (l.Failed)
        {
            results.Add(R(c, "mx-present", DnsCheckStatus.Error, $"The MX lookup failed: {l.Problem}.", null, Ev(l), "RFC 5321 §5.1"));
            results.Add(R(c, "mx-target", DnsCheckStatus.Error, "Not checked: the MX lookup failed.", null, Ev(l), "RFC 5321 §5.1; RFC 2181 §10.3"));
            return results;
        }

        var mx = l.Response!.Answer.OfType<DnsMxRecord>().OrderBy(m => m.Preference).ToList();
        if (l.NxDomain)
        {
            results.Add(R(c, "mx-present", DnsCheckStatus.Fail, $"The domain {c.Domain} does not exist (NXDOMAIN).", "Mail to it bounces; check the delegation at the registrar.", Ev(l), "RFC 5321 §5.1"));
            results.Add(R(c, "mx-target", DnsCheckStatus.Fail, "No MX targets: the domain does not exist.", null, Ev(l), "RFC 5321 §5.1"));
            return results;
        }

        if (mx.Count == 0)
        {
            results.Add(R(c, "mx-present", DnsCheckStatus.Warn, "No MX records: senders fall back to the domain's own A/AAAA (implicit MX).",
                "Publish MX records, or a Null MX (MX 0 .) if the domain takes no mail (RFC 7505).", Ev(l), "RFC 5321 §5.1; RFC 7505"));
            results.Add(R(c, "mx-target", DnsCheckStatus.Pass, "Not applicable: no MX records.", null, Ev(l), "RFC 5321 §5.1"));
            return results;
        }

        if (mx.Any(m => m.IsNullMx))
        {
            if (mx.Count == 1)
            {
                results.Add(R(c, "mx-present", DnsCheckStatus.Pass, "Null MX: the domain declares that it accepts no mail.", null, Ev(l), "RFC 7505 §3"));
                results.Add(R(c, "mx-target", DnsCheckStatus.Pass, "Not applicable: Null MX.", null, Ev(l), "RFC 7505 §3"));
            }
            else
            {
                results.Add(R(c, "mx-present", DnsCheckStatus.Fail, "A Null MX is published together with other MX records.",
                    "A domain that advertises a Null MX MUST NOT advertise any other MX (RFC 7505 §3); remove one or the other.", Ev(l), "RFC 7505 §3"));
                results.Add(R(c, "mx-target", DnsCheckStatus.Fail, "Not checked: conflicting Null MX.", null, Ev(l), "RFC 7505 §3"));
            }

            return results;
        }

        results.Add(R(c, "mx-present", DnsCheckStatus.Pass, $"{mx.Count} MX record(s): {string.Join(", ", mx.Select(m => m.Data))}.", null, Ev(l), "RFC 5321 §5.1"));
        var problems = new List<string>();
        var evidence = new List<string>(Ev(l));
        var error = false;
        foreach (var m in mx)
        {
            var host = m.Exchange.TrimEnd('.');
            if (IPAddress.TryParse(host, out _))
            {
                problems.Add($"{m.Exchange} is an address literal, not a host name");
                continue;
            }

            var a = await c.Q(host, DnsRecordType.A).ConfigureAwait(false);
            var aaaa = await c.Q(host, DnsRecordType.AAAA).ConfigureAwait(false);
            evidence.AddRange(Ev(a));
            evidence.AddRange(Ev(aaaa));
            if (a.Failed && aaaa.Failed)
            {
                error = true;
                problems.Add($"{m.Exchange}: the address lookups failed ({a.Problem})");
                continue;
            }

            if (new[] { a, aaaa }.Any(x => x.Response?.Answer.Any(r => r.Type == DnsRecordType.CNAME) == true))
            {
                problems.Add($"{m.Exchange} is a CNAME (an MX must name a host with A/AAAA records)");
            }
            else if (!new[] { a, aaaa }.Any(x => x.Response?.Answer.Any(r => r.Type is DnsRecordType.A or DnsRecordType.AAAA) == true))
            {
                problems.Add($"{m.Exchange} has no A or AAAA record");
            }
        }

        results.Add(problems.Count == 0
            ? R(c, "mx-target", DnsCheckStatus.Pass, "Every MX target is a host name with addresses.", null, evidence, "RFC 5321 §5.1; RFC 2181 §10.3")
            : R(c, "mx-target", error && problems.All(p => p.Contains("lookups failed")) ? DnsCheckStatus.Error : DnsCheckStatus.Fail,
                string.Join("; ", problems) + ".", "Point every MX at a host name that has A and/or AAAA records directly.", evidence, "RFC 5321 §5.1; RFC 2181 §10.3"));
        return results;
    }

    private static async Task<IEnumerable<(string, DnsCheckStatus, string, string?, IReadOnlyList<string>, string, string)>> Spf(Ctx c)
    {
        var results = new List<(string, DnsCheckStatus, string, string?, IReadOnlyList<string>, string, string)>();
        var l = await c.Q(c.Domain, DnsRecordType.TXT).ConfigureAwait(false);
        const string Ref = "RFC 7208";
        string[] ids = { "spf-present", "spf-single", "spf-syntax", "spf-lookup-limit", "spf-void-lookups", "spf-all" };
        if (l.Failed)
        {
            results.AddRange(ids.Select(id => R(c, id, DnsCheckStatus.Error, $"The TXT lookup failed: {l.Problem}.", null, Ev(l), Ref)));
            return results;
        }

        var spf = TxtStrings(l).Where(SpfRecord.IsSpf).ToList();
        var ev = spf.Select(s => $"{c.Domain} TXT \"{s}\"").ToList();
        if (spf.Count == 0)
        {
            results.Add(R(c, "spf-present", DnsCheckStatus.Fail, "No SPF record (TXT \"v=spf1 ...\").",
                "Publish one, e.g. \"v=spf1 mx -all\"; receivers may otherwise treat the mail as unauthenticated.", Ev(l), "RFC 7208 §4.5"));
            foreach (var id in ids.Skip(1))
            {
                results.Add(R(c, id, DnsCheckStatus.Fail, "Not checked: no SPF record.", null, Ev(l), Ref));
            }

            return results;
        }

        results.Add(R(c, "spf-present", DnsCheckStatus.Pass, "An SPF record is published.", null, ev, "RFC 7208 §4.5"));
        if (spf.Count > 1)
        {
            results.Add(R(c, "spf-single", DnsCheckStatus.Fail, $"{spf.Count} SPF records: SPF evaluation ends in permerror.",
                "Merge them into one TXT record.", ev, "RFC 7208 §4.5"));
        }
        else
        {
            results.Add(R(c, "spf-single", DnsCheckStatus.Pass, "Exactly one SPF record.", null, ev, "RFC 7208 §4.5"));
        }

        var parsedAll = spf.Select(SpfRecord.Parse).ToList();
        var record = parsedAll[0];
        var syntaxProblems = parsedAll.SelectMany(x => x.Problems).ToList();
        var syntaxWarnings = parsedAll.SelectMany(x => x.Warnings).ToList();
        results.Add(syntaxProblems.Count > 0
            ? R(c, "spf-syntax", DnsCheckStatus.Fail, string.Join(" ", syntaxProblems), "Receivers return permerror for the whole record.", ev, "RFC 7208 §4.6, §12")
            : syntaxWarnings.Count > 0
                ? R(c, "spf-syntax", DnsCheckStatus.Warn, string.Join(" ", syntaxWarnings), null, ev, "RFC 7208 §4.6, §5.5")
                : R(c, "spf-syntax", DnsCheckStatus.Pass, "The record parses.", null, ev, "RFC 7208 §4.6, §12"));

        // Walk include/redirect like an evaluator would, counting DNS-querying terms and void lookups (RFC 7208 §4.6.4).
        var walk = new SpfWalk();
        walk.Chain.Add(c.Domain);
        await WalkAsync(c, record, c.Domain, walk, 0).ConfigureAwait(false);
        var chainEv = ev.Concat(walk.Evidence).ToList();
        results.Add(walk.Failed
            ? R(c, "spf-lookup-limit", DnsCheckStatus.Error, $"Counting stopped: {walk.Failure}.", null, chainEv, "RFC 7208 §4.6.4")
            : walk.Loop is not null
                ? R(c, "spf-lookup-limit", DnsCheckStatus.Fail, $"include/redirect loop {walk.Loop}: evaluation never ends within 10 lookups, receivers return permerror.",
                    "Remove the include that leads back to a record already on the chain.", chainEv, "RFC 7208 §4.6.4")
            : walk.Lookups > 10
                ? R(c, "spf-lookup-limit", DnsCheckStatus.Fail, $"{walk.Lookups} DNS-querying terms (limit 10) through include/redirect: receivers return permerror.",
                    "Flatten includes (replace them by ip4:/ip6:) or remove unused ones.", chainEv, "RFC 7208 §4.6.4")
                : R(c, "spf-lookup-limit", walk.Lookups >= 9 ? DnsCheckStatus.Warn : DnsCheckStatus.Pass,
                    $"{walk.Lookups} DNS-querying term(s) of 10 allowed.", walk.Problems.Count > 0 ? string.Join(" ", walk.Problems) : null, chainEv, "RFC 7208 §4.6.4"));
        results.Add(walk.Voids > 2
            ? R(c, "spf-void-lookups", DnsCheckStatus.Fail, $"{walk.Voids} void lookups (limit 2): receivers return permerror.",
                "Remove terms that name domains without records: " + string.Join(", ", walk.VoidNames) + ".", chainEv, "RFC 7208 §4.6.4")
            : R(c, "spf-void-lookups", walk.Voids > 0 ? DnsCheckStatus.Warn : DnsCheckStatus.Pass, $"{walk.Voids} void lookup(s) of 2 allowed.",
                walk.Voids > 0 ? "Void: " + string.Join(", ", walk.VoidNames) : null, chainEv, "RFC 7208 §4.6.4"));

        // spf-all: the top record, or its redirect target, must end in an "all".
        // With several records (already a spf-single failure), judge the weakest "all" among them, not whichever
        // the server happened to list first (BIND rotates RRset order).
        static int Weakness(SpfTerm? t) => t is null ? 1 : t.Qualifier switch { '+' => 3, '?' => 2, '~' => 0, _ => 0 };
        var allTerm = parsedAll.Select(x => x.All).OrderByDescending(Weakness).First();
        var allFrom = c.Domain;
        if (allTerm is null && walk.RedirectRecord is not null)
        {
            allTerm = walk.RedirectRecord.All;
            allFrom = walk.RedirectName ?? allFrom;
        }

        if (allTerm is null)
        {
            results.Add(R(c, "spf-all", DnsCheckStatus.Warn, "The record does not end in 'all': unmatched senders get 'neutral'.",
                "End it with -all (or ~all while testing).", chainEv, "RFC 7208 §4.7, §5.1"));
        }
        else
        {
            var (status, text) = allTerm.Qualifier switch
            {
                '-' => (DnsCheckStatus.Pass, "Ends in -all: other senders fail."),
                '~' => (DnsCheckStatus.Pass, "Ends in ~all: other senders soft-fail."),
                '?' => (DnsCheckStatus.Warn, "Ends in ?all: other senders are neutral, which protects nothing."),
                _ => (DnsCheckStatus.Fail, "Ends in +all: every host on the Internet may send as this domain."),
            };
            results.Add(R(c, "spf-all", status, text + (allFrom != c.Domain ? $" (from the redirect to {allFrom})" : ""), null, chainEv, "RFC 7208 §5.1"));
        }

        return results;
    }

    private sealed class SpfWalk
    {
        public int Lookups { get; set; }

        public int Voids { get; set; }

        public List<string> VoidNames { get; } = new();

        public List<string> Evidence { get; } = new();

        public List<string> Problems { get; } = new();

        public HashSet<string> Visited { get; } = new(StringComparer.OrdinalIgnoreCase);

        /// <summary>The include/redirect chain from the checked domain to the record being walked.</summary>
        public List<string> Chain { get; } = new();

        /// <summary>"a → b → a" when a record includes one already on its chain.</summary>
        public string? Loop { get; set; }

        public bool Failed => Failure is not null;

        public string? Failure { get; set; }

        public SpfRecord? RedirectRecord { get; set; }

        public string? RedirectName { get; set; }
    }

    private static async Task WalkAsync(Ctx c, SpfRecord record, string owner, SpfWalk w, int depth)
    {
        if (depth > 12 || w.Lookups > 30 || w.Failed)
        {
            return;
        }

        foreach (var t in record.Terms.Where(t => t.QueriesDns))
        {
            w.Lookups++;
            var target = t.Value ?? owner;
            if (target.Contains("%{"))
            {
                continue; // macros depend on the sender: counted, not followed
            }

            switch (t.Name)
            {
                case "include":
                case "redirect":
                {
                    var l = await c.Q(target, DnsRecordType.TXT).ConfigureAwait(false);
                    if (l.Failed)
                    {
                        w.Failure = $"{target} TXT: {l.Problem}";
                        return;
                    }

                    var inner = TxtStrings(l).Where(SpfRecord.IsSpf).ToList();
                    if (l.Void)
                    {
                        w.Voids++;
                        w.VoidNames.Add(target);
                    }

                    if (inner.Count != 1)
                    {
                        w.Problems.Add($"{t.Name}:{target} has {inner.Count} SPF records (permerror).");
                        continue;
                    }

                    w.Evidence.Add($"{target} TXT \"{inner[0]}\"");
                    if (w.Chain.Contains(target.TrimEnd('.'), StringComparer.OrdinalIgnoreCase))
                    {
                        // a → b → a: an evaluator would follow it until the lookup limit (§4.6.4), a permerror.
                        w.Loop ??= string.Join(" → ", w.Chain.Concat(new[] { target }));
                        continue;
                    }

                    if (!w.Visited.Add(target))
                    {
                        w.Problems.Add($"{target} is included more than once (a loop?).");
                        continue;
                    }

                    var parsed = SpfRecord.Parse(inner[0]);
                    if (t.Name == "redirect" && depth == 0)
                    {
                        w.RedirectRecord = parsed;
                        w.RedirectName = target;
                    }

                    w.Chain.Add(target.TrimEnd('.'));
                    await WalkAsync(c, parsed, target, w, depth + 1).ConfigureAwait(false);
                    w.Chain.RemoveAt(w.Chain.Count - 1);
                    break;
                }

                case "a":
                case "mx":
                case "exists":
                {
                    var type = t.Name == "mx" ? DnsRecordType.MX : DnsRecordType.A;
                    var l = await c.Q(target, type).ConfigureAwait(false);
                    if (!l.Failed && l.Void && (t.Name != "a" || (await c.Q(target, DnsRecordType.AAAA).ConfigureAwait(false)).Void))
                    {
                        w.Voids++;
                        w.VoidNames.Add(target);
                    }

                    break;
                }
            }
        }
    }

    private static async Task<IEnumerable<(string, DnsCheckStatus, string, string?, IReadOnlyList<string>, string, string)>> Dmarc(Ctx c)
    {
        var results = new List<(string, DnsCheckStatus, string, string?, IReadOnlyList<string>, string, string)>();
        var name = "_dmarc." + c.Domain;
        var l = await c.Q(name, DnsRecordType.TXT).ConfigureAwait(false);
        if (l.Failed)
        {
            foreach (var id in new[] { "dmarc-present", "dmarc-syntax", "dmarc-policy" })
            {
                results.Add(R(c, id, DnsCheckStatus.Error, $"The TXT lookup of {name} failed: {l.Problem}.", null, Ev(l), "RFC 7489 §6.1"));
            }

            return results;
        }

        var recs = DmarcRecords(l);
        var ev = recs.Select(s => $"{name} TXT \"{s}\"").ToList();
        string? inheritedFrom = null;
        if (recs.Count == 0)
        {
            // Policy discovery (RFC 7489 §6.6.3 step 3): no record at the domain itself → the policy of an
            // ancestor applies. Without a public suffix list the ancestors are walked as DMARCbis does (at most
            // 7 labels kept, then one label fewer at a time, up to the top-level domain); the first ancestor with
            // exactly one record is the organizational domain whose sp= (else p=) governs this subdomain.
            foreach (var ancestor in DmarcAncestors(c.Domain))
            {
                var al = await c.Q("_dmarc." + ancestor, DnsRecordType.TXT).ConfigureAwait(false);
                var arecs = al.Failed ? new List<string>() : DmarcRecords(al);
                if (arecs.Count == 1)
                {
                    inheritedFrom = ancestor;
                    recs = arecs;
                    ev.Add($"{name}: no DMARC record");
                    ev.Add($"_dmarc.{ancestor} TXT \"{arecs[0]}\"");
                    break;
                }
            }
        }

        if (recs.Count != 1)
        {
            var summary = recs.Count == 0 ? $"No DMARC record at {name}." : $"{recs.Count} DMARC records at {name}: receivers ignore them all.";
            results.Add(R(c, "dmarc-present", DnsCheckStatus.Fail, summary,
                "Publish exactly one, e.g. \"v=DMARC1; p=none; rua=mailto:dmarc@" + c.Domain + "\", then tighten the policy.", recs.Count == 0 ? Ev(l) : ev, "RFC 7489 §6.1, §6.6.3"));
            results.Add(R(c, "dmarc-syntax", DnsCheckStatus.Fail, "Not checked: no single DMARC record.", null, ev, "RFC 7489 §6.4"));
            results.Add(R(c, "dmarc-policy", DnsCheckStatus.Fail, "No DMARC policy applies.", null, ev, "RFC 7489 §6.3"));
            return results;
        }

        results.Add(inheritedFrom is null
            ? R(c, "dmarc-present", DnsCheckStatus.Pass, "A DMARC record is published.", null, ev, "RFC 7489 §6.1")
            : R(c, "dmarc-present", DnsCheckStatus.Pass, $"No record at {name}; the DMARC record of {inheritedFrom} applies to this subdomain.",
                $"Publish a record at {name} to give {c.Domain} a policy of its own.", ev, "RFC 7489 §6.6.3"));
        var (tags, problems) = ParseDmarc(recs[0]);
        results.Add(problems.Count == 0
            ? R(c, "dmarc-syntax", DnsCheckStatus.Pass, "The record parses.", null, ev, "RFC 7489 §6.3, §6.4")
            : R(c, "dmarc-syntax", DnsCheckStatus.Fail, string.Join(" ", problems), "Receivers may ignore an invalid record.", ev, "RFC 7489 §6.3, §6.4"));
        // A subdomain governed by its organizational domain's record gets sp= where given, else p= (RFC 7489 §6.3).
        string? p;
        if (inheritedFrom is null || !tags.TryGetValue("sp", out p))
        {
            tags.TryGetValue("p", out p);
        }

        var pct = tags.TryGetValue("pct", out var pctText) && int.TryParse(pctText, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 100;
        results.Add(p?.ToLowerInvariant() switch
        {
            "reject" or "quarantine" when pct >= 100 => R(c, "dmarc-policy", DnsCheckStatus.Pass,
                inheritedFrom is null ? $"Policy p={p}." : $"Policy {p} (from {inheritedFrom}).", null, ev, "RFC 7489 §6.3"),
            "reject" or "quarantine" => R(c, "dmarc-policy", DnsCheckStatus.Warn, $"Policy p={p}, but only on pct={pct}% of failing mail.", "Raise pct to 100 once reports are clean.", ev, "RFC 7489 §6.3"),
            "none" => R(c, "dmarc-policy", DnsCheckStatus.Warn, "Policy p=none: monitoring only; spoofed mail is still delivered.", "Move to p=quarantine, then p=reject.", ev, "RFC 7489 §6.3"),
            _ => R(c, "dmarc-policy", DnsCheckStatus.Fail, p is null ? "No p= tag: the record is not a valid policy." : $"Unknown policy p={p}.", null, ev, "RFC 7489 §6.3"),
        });
        return results;
    }

    private static List<string> DmarcRecords(DnsLookup l) =>
        TxtStrings(l).Where(s => s.TrimStart().StartsWith("v=DMARC1", StringComparison.Ordinal)).ToList();

    /// <summary>
    /// The ancestors whose _dmarc records policy discovery looks at, nearest first: the DMARCbis tree walk
    /// (draft-ietf-dmarc-dmarcbis §4.10): a name of more than 7 labels is cut to its last 7, then one label is
    /// dropped at a time, ending with the top-level domain.
    /// </summary>
    internal static IEnumerable<string> DmarcAncestors(string domain)
    {
        var labels = DnsName.Fqdn(domain).TrimEnd('.').Split('.');
        var start = labels.Length > 7 ? labels.Length - 7 : 1;
        for (var i = start; i < labels.Length; i++)
        {
            yield return string.Join(".", labels, i, labels.Length - i);
        }
    }

    /// <summary>DMARC tag-value list (RFC 7489 §6.4): v first and = DMARC1, p required, values checked per tag.</summary>
    internal static (Dictionary<string, string> Tags, List<string> Problems) ParseDmarc(string text)
    {
        var tags = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var problems = new List<string>();
        var parts = text.Split(';').Select(s => s.Trim()).Where(s => s.Length > 0).ToList();
        for (var i = 0; i < parts.Count; i++)
        {
            var eq = parts[i].IndexOf('=');
            if (eq <= 0)
            {
                problems.Add($"'{parts[i]}' is not tag=value.");
                continue;
            }

            var k = parts[i].Substring(0, eq).Trim();
            var v = parts[i].Substring(eq + 1).Trim();
            if (i == 0 && (k != "v" || v != "DMARC1"))
            {
                problems.Add("The record must start with v=DMARC1.");
            }

            if (tags.ContainsKey(k))
            {
                problems.Add($"Tag {k} appears twice.");
            }

            tags[k] = v;
            switch (k.ToLowerInvariant())
            {
                case "p":
                case "sp":
                    if (v is not ("none" or "quarantine" or "reject"))
                    {
                        problems.Add($"{k}={v}: must be none, quarantine or reject.");
                    }

                    break;
                case "adkim":
                case "aspf":
                    if (v is not ("r" or "s"))
                    {
                        problems.Add($"{k}={v}: must be r or s.");
                    }

                    break;
                case "pct":
                    if (!int.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out var pct) || pct > 100)
                    {
                        problems.Add($"pct={v}: must be an integer from 0 to 100.");
                    }

                    break;
                case "ri":
                    if (!uint.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out _))
                    {
                        problems.Add($"ri={v}: must be a number of seconds.");
                    }

                    break;
                case "rua":
                case "ruf":
                    foreach (var uri in v.Split(','))
                    {
                        var u = uri.Trim();
                        if (!u.StartsWith("mailto:", StringComparison.OrdinalIgnoreCase) && !u.StartsWith("https:", StringComparison.OrdinalIgnoreCase))
                        {
                            problems.Add($"{k}: '{u}' is not a URI (mailto:...).");
                        }
                    }

                    break;
                case "fo":
                    if (v.Split(':').Any(x => x.Trim() is not ("0" or "1" or "d" or "s")))
                    {
                        problems.Add($"fo={v}: options are 0, 1, d, s separated by ':'.");
                    }

                    break;
            }
        }

        if (!tags.ContainsKey("p"))
        {
            problems.Add("The p= tag is required.");
        }

        return (tags, problems);
    }

    private static async Task<IEnumerable<(string, DnsCheckStatus, string, string?, IReadOnlyList<string>, string, string)>> Dkim(Ctx c, IList<string> selectors)
    {
        var results = new List<(string, DnsCheckStatus, string, string?, IReadOnlyList<string>, string, string)>();
        foreach (var selector in selectors)
        {
            var name = $"{selector}._domainkey.{c.Domain}";
            var l = await c.Q(name, DnsRecordType.TXT).ConfigureAwait(false);
            if (l.Failed)
            {
                results.Add(R(c, "dkim-key", DnsCheckStatus.Error, $"Selector {selector}: the TXT lookup failed: {l.Problem}.", null, Ev(l), "RFC 6376 §3.6.2"));
                continue;
            }

            var txt = TxtStrings(l);
            var ev = Ev(l).ToList();
            if (txt.Count == 0)
            {
                results.Add(R(c, "dkim-key", DnsCheckStatus.Fail, $"Selector {selector}: no key at {name}.", "Publish the selector's public key, or check the selector name in the DKIM-Signature s= tag.", ev, "RFC 6376 §3.6.2"));
                continue;
            }

            var tags = txt[0].Split(';').Select(s => s.Trim()).Where(s => s.Contains('='))
                .GroupBy(s => s.Substring(0, s.IndexOf('=')).Trim(), StringComparer.OrdinalIgnoreCase)
                .ToDictionary(g => g.Key, g => g.First().Substring(g.First().IndexOf('=') + 1).Trim(), StringComparer.OrdinalIgnoreCase);
            var k = tags.TryGetValue("k", out var kv) ? kv.ToLowerInvariant() : "rsa";
            if (tags.TryGetValue("v", out var v) && v != "DKIM1")
            {
                results.Add(R(c, "dkim-key", DnsCheckStatus.Fail, $"Selector {selector}: v={v}, expected DKIM1.", null, ev, "RFC 6376 §3.6.1"));
                continue;
            }

            if (!tags.TryGetValue("p", out var p))
            {
                results.Add(R(c, "dkim-key", DnsCheckStatus.Fail, $"Selector {selector}: no p= tag.", null, ev, "RFC 6376 §3.6.1"));
                continue;
            }

            p = new string(p.Where(ch => !char.IsWhiteSpace(ch)).ToArray());
            if (p.Length == 0)
            {
                results.Add(R(c, "dkim-key", DnsCheckStatus.Fail, $"Selector {selector}: the key is revoked (empty p=).", null, ev, "RFC 6376 §3.6.1"));
                continue;
            }

            byte[] key;
            try
            {
                key = Convert.FromBase64String(p);
            }
            catch (FormatException)
            {
                results.Add(R(c, "dkim-key", DnsCheckStatus.Fail, $"Selector {selector}: p= is not base64.", null, ev, "RFC 6376 §3.6.1"));
                continue;
            }

            if (k == "ed25519")
            {
                results.Add(key.Length == 32
                    ? R(c, "dkim-key", DnsCheckStatus.Pass, $"Selector {selector}: Ed25519 key.", null, ev, "RFC 8463")
                    : R(c, "dkim-key", DnsCheckStatus.Fail, $"Selector {selector}: an Ed25519 key must be 32 octets, this one is {key.Length}.", null, ev, "RFC 8463"));
                continue;
            }

            if (k != "rsa")
            {
                results.Add(R(c, "dkim-key", DnsCheckStatus.Fail, $"Selector {selector}: unknown key type k={k}.", null, ev, "RFC 6376 §3.6.1"));
                continue;
            }

            var bits = RsaModulusBits(key);
            results.Add(bits switch
            {
                null => R(c, "dkim-key", DnsCheckStatus.Fail, $"Selector {selector}: p= is not an RSA public key.", null, ev, "RFC 6376 §3.6.1"),
                < 1024 => R(c, "dkim-key", DnsCheckStatus.Fail, $"Selector {selector}: RSA key of {bits} bits, below the 1024 minimum.", "Publish a 2048-bit key and re-sign.", ev, "RFC 8301 §3.2"),
                _ => R(c, "dkim-key", DnsCheckStatus.Pass, $"Selector {selector}: RSA key of {bits} bits.", null, ev, "RFC 6376 §3.6.1; RFC 8301 §3.2"),
            });
        }

        return results;
    }

    /// <summary>The modulus length of a DER SubjectPublicKeyInfo or PKCS#1 RSAPublicKey, or null when it is neither.</summary>
    internal static int? RsaModulusBits(byte[] der)
    {
        try
        {
            var pos = 0;
            if (!ReadTag(der, ref pos, 0x30, out var len))
            {
                return null;
            }

            var save = pos;
            if (ReadTag(der, ref pos, 0x30, out var algLen))
            {
                // SubjectPublicKeyInfo: AlgorithmIdentifier, then BIT STRING wrapping RSAPublicKey.
                pos += algLen;
                if (!ReadTag(der, ref pos, 0x03, out _))
                {
                    return null;
                }

                pos++; // unused bits
                if (!ReadTag(der, ref pos, 0x30, out _))
                {
                    return null;
                }
            }
            else
            {
                pos = save;
            }

            if (!ReadTag(der, ref pos, 0x02, out var modLen) || pos + modLen > der.Length)
            {
                return null;
            }

            while (modLen > 0 && der[pos] == 0)
            {
                pos++;
                modLen--;
            }

            if (modLen == 0)
            {
                return null;
            }

            var top = der[pos];
            var topBits = 0;
            while (top != 0)
            {
                topBits++;
                top >>= 1;
            }

            _ = len;
            return ((modLen - 1) * 8) + topBits;
        }
        catch (IndexOutOfRangeException)
        {
            return null;
        }
    }

    private static bool ReadTag(byte[] b, ref int pos, byte tag, out int length)
    {
        length = 0;
        if (pos + 2 > b.Length || b[pos] != tag)
        {
            return false;
        }

        pos++;
        int first = b[pos++];
        if (first < 0x80)
        {
            length = first;
        }
        else
        {
            var n = first & 0x7F;
            if (n == 0 || n > 3 || pos + n > b.Length)
            {
                return false;
            }

            for (var i = 0; i < n; i++)
            {
                length = (length << 8) | b[pos++];
            }
        }

        return pos + length <= b.Length;
    }

    private static async Task<IEnumerable<(string, DnsCheckStatus, string, string?, IReadOnlyList<string>, string, string)>> TaggedTxt(Ctx c, string check, string name,
        string version, string[] required, string reference)
    {
        var l = await c.Q(name, DnsRecordType.TXT).ConfigureAwait(false);
        if (l.Failed)
        {
            return new[] { R(c, check, DnsCheckStatus.Error, $"The TXT lookup of {name} failed: {l.Problem}.", null, Ev(l), reference) };
        }

        var recs = TxtStrings(l).Where(s => s.StartsWith(version, StringComparison.Ordinal)).ToList();
        var ev = Ev(l).ToList();
        if (recs.Count == 0)
        {
            return new[] { R(c, check, DnsCheckStatus.Warn, $"No {version} record at {name}.", check == "mta-sts"
                ? "Without MTA-STS, senders cannot insist on TLS to your MX (optional but recommended)."
                : "Without TLS-RPT, you get no reports of TLS delivery failures (optional but recommended).", ev, reference) };
        }

        if (recs.Count > 1)
        {
            return new[] { R(c, check, DnsCheckStatus.Fail, $"{recs.Count} {version} records at {name}: senders ignore them.", "Keep exactly one.", ev, reference) };
        }

        var tags = recs[0].Split(';').Select(s => s.Trim()).Where(s => s.Length > 0).ToList();
        var missing = required.Where(r => !tags.Any(t => t.StartsWith(r + "=", StringComparison.Ordinal) && t.Length > r.Length + 1)).ToList();
        return missing.Count == 0
            ? new[] { R(c, check, DnsCheckStatus.Pass, $"{version} record present.", null, ev, reference) }
            : new[] { R(c, check, DnsCheckStatus.Fail, $"The {version} record lacks {string.Join(", ", missing.Select(m => m + "="))}.", null, ev, reference) };
    }

    private static async Task<IEnumerable<(string, DnsCheckStatus, string, string?, IReadOnlyList<string>, string, string)>> Autodiscover(Ctx c)
    {
        var cname = await c.Q("autodiscover." + c.Domain, DnsRecordType.CNAME).ConfigureAwait(false);
        var srv = await c.Q("_autodiscover._tcp." + c.Domain, DnsRecordType.SRV).ConfigureAwait(false);
        var ev = Ev(cname).Concat(Ev(srv)).ToList();
        var hasCname = cname.Response?.Answer.OfType<DnsCnameRecord>().FirstOrDefault();
        var hasSrv = srv.Response?.Answer.OfType<DnsSrvRecord>().FirstOrDefault();
        if (hasCname is not null || hasSrv is not null)
        {
            var what = hasCname is not null ? $"autodiscover.{c.Domain} CNAME {hasCname.Target}" : $"_autodiscover._tcp.{c.Domain} SRV {hasSrv!.Data}";
            return new[] { R(c, "autodiscover", DnsCheckStatus.Pass, $"Autodiscover is published: {what}.", null, ev, "MS-OXDSCLI §3.1.5") };
        }

        if (cname.Failed && srv.Failed)
        {
            return new[] { R(c, "autodiscover", DnsCheckStatus.Error, $"The lookups failed: {cname.Problem}.", null, ev, "MS-OXDSCLI §3.1.5") };
        }

        var a = await c.Q("autodiscover." + c.Domain, DnsRecordType.A).ConfigureAwait(false);
        if (a.Response?.Answer.Any(r => r.Type == DnsRecordType.A) == true)
        {
            return new[] { R(c, "autodiscover", DnsCheckStatus.Pass, $"autodiscover.{c.Domain} has an address record.", null, ev.Concat(Ev(a)).ToList(), "MS-OXDSCLI §3.1.5") };
        }

        return new[] { R(c, "autodiscover", DnsCheckStatus.Warn, $"Neither autodiscover.{c.Domain} (CNAME) nor _autodiscover._tcp.{c.Domain} (SRV) exists.",
            "Outlook and mobile clients cannot find the mail server by themselves.", ev, "MS-OXDSCLI §3.1.5") };
    }

    private static async Task<IEnumerable<(string, DnsCheckStatus, string, string?, IReadOnlyList<string>, string, string)>> Owa(Ctx c, string host)
    {
        var a = await c.Q(host, DnsRecordType.A).ConfigureAwait(false);
        var aaaa = await c.Q(host, DnsRecordType.AAAA).ConfigureAwait(false);
        var ev = Ev(a).Concat(Ev(aaaa)).ToList();
        var addresses = new[] { a, aaaa }.SelectMany(x => x.Response?.Answer.Where(r => r.Type is DnsRecordType.A or DnsRecordType.AAAA) ?? Enumerable.Empty<DnsRecord>()).ToList();
        if (addresses.Count > 0)
        {
            return new[] { R(c, "owa-host", DnsCheckStatus.Pass, $"{host} resolves to {string.Join(", ", addresses.Select(x => x.Data))}.", null, ev, "RFC 1035") };
        }

        return a.Failed && aaaa.Failed
            ? new[] { R(c, "owa-host", DnsCheckStatus.Error, $"The lookups of {host} failed: {a.Problem}.", null, ev, "RFC 1035") }
            : new[] { R(c, "owa-host", DnsCheckStatus.Fail, $"{host} has no address: users cannot reach Outlook on the web.", null, ev, "RFC 1035") };
    }
}
