using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.RegularExpressions;

namespace Outage.Tools.Core.Checks;

/// <summary>
/// A cause an administrator would state, derived from one run's results: which layer is broken and why. Each
/// cause names the results it rests on (their keys and checks), so it can be verified, never taken on trust.
/// </summary>
public sealed class ProbableCause
{
    public ProbableCause(string rule, CheckArea layer, CheckStatus severity, string statement, IEnumerable<OutageCheckResult> restsOn)
    {
        Rule = rule;
        Layer = layer;
        Severity = severity;
        Statement = statement;
        var basis = (restsOn ?? throw new ArgumentNullException(nameof(restsOn))).ToList();
        RestsOn = basis.Select(r => $"{r.Area} {r.Target} {r.Check}: {r.Status}").ToList();
        ComputerName = basis.Select(r => r.ComputerName).FirstOrDefault() ?? Environment.MachineName;
        Timestamp = basis.Count == 0 ? DateTimeOffset.UtcNow : basis.Max(r => r.Timestamp);
    }

    /// <summary>The id of the rule that derived it (<see cref="ProbableCauseRules.All"/>).</summary>
    public string Rule { get; }

    /// <summary>The broken layer.</summary>
    public CheckArea Layer { get; }

    /// <summary>The worst status among the results it rests on.</summary>
    public CheckStatus Severity { get; }

    /// <summary>The cause in one sentence.</summary>
    public string Statement { get; }

    /// <summary>"Area Target check: Status" of each result it rests on.</summary>
    public IReadOnlyList<string> RestsOn { get; }

    public string ComputerName { get; }

    public DateTimeOffset Timestamp { get; }

    public override string ToString() => Statement;
}

/// <summary>One rule: an id, what it says, and how it finds its causes in a run's results.</summary>
public sealed class ProbableCauseRule
{
    public ProbableCauseRule(string id, string description, Func<IReadOnlyList<OutageCheckResult>, IEnumerable<ProbableCause>> derive)
    {
        Id = id;
        Description = description;
        Derive = derive;
    }

    public string Id { get; }

    public string Description { get; }

    public Func<IReadOnlyList<OutageCheckResult>, IEnumerable<ProbableCause>> Derive { get; }
}

/// <summary>
/// The probable-cause rules, as data: each rule looks at one run's results (the latest per check) and states a
/// cause with the results it rests on. Causes come out most severe first.
/// </summary>
public static class ProbableCauseRules
{
    private static readonly Regex Refused = new(@"connect to (?<hop>\S+?): Connection refused", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase);

    public static readonly IReadOnlyList<ProbableCauseRule> All = new[]
    {
        new ProbableCauseRule("dns-takes-endpoints-down",
            "Endpoints fail at their DNS lookup while the DNS checks of the domain they are in fail: the DNS hosting is the cause.",
            DnsTakesEndpointsDown),
        new ProbableCauseRule("next-hop-refuses",
            "A queue grows and its top delay reason is a connection refused by the next hop: the next hop is the cause.",
            NextHopRefuses),
        new ProbableCauseRule("poison-stalls-queue",
            "A queue grows and holds poison messages (malformed MIME): they stall delivery to its destinations.",
            PoisonStallsQueue),
        new ProbableCauseRule("provider-reports-issue",
            "Microsoft 365 service health reports an open incident or advisory for a watched service: the provider knows; an interruption is the provider's outage.",
            ProviderReportsIssue),
    };

    /// <summary>The causes of one run's results (the latest result per check is used).</summary>
    public static IReadOnlyList<ProbableCause> Derive(IEnumerable<OutageCheckResult> results)
    {
        var latest = (results ?? throw new ArgumentNullException(nameof(results)))
            .GroupBy(r => r.Key, StringComparer.Ordinal).Select(g => g.OrderBy(r => r.Timestamp).Last()).ToList();
        return All.SelectMany(rule => rule.Derive(latest)).OrderByDescending(c => c.Severity).ToList();
    }

    private static bool Failing(OutageCheckResult r) => r.Status >= CheckStatus.Fail;

    private static string HostOf(OutageCheckResult r)
    {
        if (Uri.TryCreate(r.Target, UriKind.Absolute, out var u))
        {
            return u.Host;
        }

        var at = r.Target.LastIndexOf('@');
        return at >= 0 ? r.Target.Substring(at + 1) : r.Target.Split(':')[0];
    }

    /// <summary>An endpoint result that failed at its DNS lookup (the probe's stage or outcome says so).</summary>
    internal static bool FailedAtDns(OutageCheckResult r) =>
        r.Area == CheckArea.Endpoint && Failing(r)
        && ((r.Detail ?? string.Empty).IndexOf("[DnsLookup]", StringComparison.Ordinal) >= 0
            || r.Evidence.Any(e => e.IndexOf("NameNotResolved", StringComparison.Ordinal) >= 0)
            || r.Summary.IndexOf("does not resolve", StringComparison.Ordinal) >= 0
            || (r.Detail ?? string.Empty).IndexOf("does not resolve", StringComparison.Ordinal) >= 0);

    private static readonly Dictionary<string, string> EndpointNames = new(StringComparer.Ordinal)
    {
        ["owa"] = "OWA", ["activesync"] = "ActiveSync", ["ews"] = "EWS", ["autodiscover"] = "Autodiscover", ["smtp"] = "SMTP",
    };

    private static IEnumerable<ProbableCause> DnsTakesEndpointsDown(IReadOnlyList<OutageCheckResult> results)
    {
        foreach (var zone in results.Where(r => r.Area == CheckArea.Dns && Failing(r)).GroupBy(r => r.Target.TrimEnd('.'), StringComparer.OrdinalIgnoreCase))
        {
            var domain = zone.Key;
            var endpoints = results.Where(FailedAtDns).Where(r =>
            {
                var host = HostOf(r).TrimEnd('.');
                return host.Equals(domain, StringComparison.OrdinalIgnoreCase) || host.EndsWith("." + domain, StringComparison.OrdinalIgnoreCase);
            }).ToList();
            if (endpoints.Count == 0)
            {
                continue;
            }

            // In a fixed order (OWA, ActiveSync, EWS, Autodiscover, SMTP), whatever order the results came in.
            var order = EndpointNames.Keys.ToList();
            var names = endpoints.Select(r => r.Check).Distinct().OrderBy(c => order.IndexOf(c) < 0 ? order.Count : order.IndexOf(c)).ThenBy(c => c, StringComparer.Ordinal)
                .Select(c => EndpointNames.TryGetValue(c, out var n) ? n : c).ToList();
            var list = names.Count == 1 ? names[0] : string.Join(", ", names.Take(names.Count - 1)) + " and " + names[names.Count - 1];
            var basis = zone.Concat(endpoints).ToList();
            yield return new ProbableCause("dns-takes-endpoints-down", CheckArea.Dns, basis.Max(r => r.Status),
                $"DNS for {domain} is failing; {list} {(names.Count == 1 ? "is" : "are")} down because of it.", basis);
        }
    }

    private static IEnumerable<(OutageCheckResult Size, OutageCheckResult Growth)> GrowingQueues(IReadOnlyList<OutageCheckResult> results) =>
        results.Where(r => r.Area == CheckArea.Queue && r.Check == "queue-growth" && r.Value > 0 && r.Status >= CheckStatus.Warn)
            .Select(g => (results.FirstOrDefault(r => r.Area == CheckArea.Queue && r.Check == "queue-size" && r.Target == g.Target && r.ComputerName == g.ComputerName), g))
            .Where(p => p.Item1 is not null)
            .Select(p => (p.Item1!, p.g));

    /// <summary>The queue's top reason, from the queue-size evidence "reason: TEXT (N messages)".</summary>
    private static string? TopReason(OutageCheckResult size)
    {
        var e = size.Evidence.FirstOrDefault(x => x.StartsWith("reason: ", StringComparison.Ordinal));
        if (e is null)
        {
            return null;
        }

        var open = e.LastIndexOf(" (", StringComparison.Ordinal);
        return e.Substring("reason: ".Length, (open > 0 ? open : e.Length) - "reason: ".Length);
    }

    private static string Rate(OutageCheckResult growth) => (growth.Value ?? 0).ToString("+0.#;-0.#;0", CultureInfo.InvariantCulture) + "/min";

    private static IEnumerable<ProbableCause> NextHopRefuses(IReadOnlyList<OutageCheckResult> results)
    {
        foreach (var (size, growth) in GrowingQueues(results))
        {
            var reason = TopReason(size);
            var m = reason is null ? null : Refused.Match(reason);
            if (m is null || !m.Success)
            {
                continue;
            }

            var hop = NextHop(size) ?? m.Groups["hop"].Value;
            // The same host refusing in the MTA's own log (a Logs entry of the same computer) says since when.
            var log = results.Where(r => r.Area == CheckArea.Log && r.Check == "deferral-rate" && r.Status >= CheckStatus.Warn && r.ComputerName == size.ComputerName)
                .FirstOrDefault(r => r.Evidence.FirstOrDefault(e => e.StartsWith("reason: ", StringComparison.Ordinal)) is { } top
                                     && Refused.Match(top) is { Success: true } lm && lm.Groups["hop"].Value == m.Groups["hop"].Value);
            var statement = $"Next hop {hop} refuses connections; the queue {size.Target} grows {Rate(growth)} ({size.Value:N0} messages).";
            if (log is not null)
            {
                statement += $" The mail log {log.Target} shows {(log.Value ?? 0).ToString("0.##", CultureInfo.InvariantCulture)} deferrals/min for it since {log.Since.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} UTC.";
            }

            yield return new ProbableCause("next-hop-refuses", CheckArea.Queue, new[] { size.Status, growth.Status }.Max(), statement,
                log is null ? new[] { size, growth } : new[] { size, growth, log });
        }
    }

    /// <summary>The queue's top next hop, from the queue-size evidence "next hop: X (N recipients)", when known.</summary>
    private static string? NextHop(OutageCheckResult size)
    {
        var e = size.Evidence.FirstOrDefault(x => x.StartsWith("next hop: ", StringComparison.Ordinal));
        if (e is null)
        {
            return null;
        }

        var open = e.LastIndexOf(" (", StringComparison.Ordinal);
        var hop = e.Substring("next hop: ".Length, (open > 0 ? open : e.Length) - "next hop: ".Length);
        return hop == "Unknown" ? null : hop;
    }

    private static IEnumerable<ProbableCause> PoisonStallsQueue(IReadOnlyList<OutageCheckResult> results)
    {
        foreach (var (size, growth) in GrowingQueues(results))
        {
            var poison = results.FirstOrDefault(r => r.Area == CheckArea.Mime && r.Check == "poison-messages" && r.Target == size.Target
                && r.ComputerName == size.ComputerName && Failing(r) && r.Value > 0);
            if (poison is null)
            {
                continue;
            }

            var destination = NextHop(size) ?? size.Evidence.Where(x => x.StartsWith("destination: ", StringComparison.Ordinal))
                .Select(x => x.Substring("destination: ".Length, Math.Max(0, x.LastIndexOf(" (", StringComparison.Ordinal) - "destination: ".Length))).FirstOrDefault() ?? size.Target;
            yield return new ProbableCause("poison-stalls-queue", CheckArea.Mime, new[] { poison.Status, growth.Status }.Max(),
                $"Malformed messages are stalling delivery to {destination}: {poison.Value:N0} poison messages in {size.Target}, which grows {Rate(growth)}.",
                new[] { poison, size, growth });
        }
    }

    /// <summary>
    /// A service-health result (Microsoft Graph service communications) with an open issue: its summary is
    /// "Service reports CLASSIFICATION ID since TIME: TITLE". An interruption (Fail) is the provider's outage.
    /// </summary>
    private static IEnumerable<ProbableCause> ProviderReportsIssue(IReadOnlyList<OutageCheckResult> results)
    {
        foreach (var r in results.Where(r => r.Area == CheckArea.ServiceHealth && r.Check == "service-health" && r.Status >= CheckStatus.Warn))
        {
            var since = r.Summary.IndexOf(" since ", StringComparison.Ordinal);
            var colon = since < 0 ? -1 : r.Summary.IndexOf(": ", since, StringComparison.Ordinal);
            if (r.Summary.IndexOf(" reports ", StringComparison.Ordinal) < 0 || colon < 0)
            {
                continue; // a status without an open issue: nothing the provider has said yet
            }

            var head = r.Summary.Substring(0, colon);
            var title = r.Summary.Substring(colon + 2).TrimEnd('.');
            var statement = r.Status >= CheckStatus.Fail
                ? $"{head}: this is the provider's outage ({title})."
                : $"{head}: the provider reports a degradation ({title}).";
            yield return new ProbableCause("provider-reports-issue", CheckArea.ServiceHealth, r.Status, statement, new[] { r });
        }
    }
}
