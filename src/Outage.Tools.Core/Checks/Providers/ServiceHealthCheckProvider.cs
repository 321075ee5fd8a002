using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using Outage.Tools.Core.Operations;
using Outage.Tools.Core.ServiceHealth;

namespace Outage.Tools.Core.Checks.Providers;

/// <summary>
/// Is it us or Microsoft? With a <c>Microsoft365</c> entry in the configuration, one <c>service-health</c> result
/// per watched service from Graph's healthOverviews (one request, with $expand=issues): Fail when the service or
/// one of its open issues is serviceInterruption, Warn on degradation, recovery, investigation or any other open
/// incident or advisory, Pass when operational with nothing open. Each result names the open issue ids and titles.
/// </summary>
public sealed class ServiceHealthCheckProvider : IOutageCheckProvider
{
    public const string CheckId = "service-health";

    public CheckArea Area => CheckArea.ServiceHealth;

    public IEnumerable<CheckUnit> Plan(OutageCheckConfiguration configuration)
    {
        if (configuration is null)
        {
            throw new ArgumentNullException(nameof(configuration));
        }

        if (configuration.Microsoft365 is { } spec)
        {
            yield return new CheckUnit(Area, "Microsoft 365", CheckId, ct => Check(spec, configuration.TrustedRootCertificate, ct));
        }
    }

    private static IEnumerable<OutageCheckResult> Check(Microsoft365CheckSpec spec, string? trustedRoot, CancellationToken ct)
    {
        var request = spec.ToRequest(trustedRoot);
        var started = DateTimeOffset.UtcNow;
        var services = ServiceHealthQuery.GetHealth(request, ct).Where(o => o.Kind == OutcomeKind.Result).Select(o => o.Value!).ToList();
        var elapsed = DateTimeOffset.UtcNow - started;
        foreach (var watched in spec.Services)
        {
            var pattern = new Wildcard(watched);
            var matches = services.Where(s => pattern.IsMatch(s.Id) || pattern.IsMatch(s.Service)).ToList();
            if (matches.Count == 0)
            {
                yield return new OutageCheckResult(CheckArea.ServiceHealth, watched, CheckId, CheckStatus.Warn,
                    $"'{watched}' is not among the {services.Count} services Microsoft Graph reports.",
                    "Use a service id or name from Get-ServiceHealth (e.g. Exchange Online, Microsoft 365 suite).",
                    services.Select(s => $"{s.Id}: {s.Service}"), duration: elapsed);
                continue;
            }

            foreach (var s in matches)
            {
                yield return Grade(s, elapsed);
            }
        }
    }

    /// <summary>The result of one service (public for the report and tests).</summary>
    public static OutageCheckResult Grade(ServiceHealthOverview s, TimeSpan duration = default)
    {
        if (s is null)
        {
            throw new ArgumentNullException(nameof(s));
        }

        var open = s.Issues;
        var worstIssue = open.Count == 0 ? ServiceHealthSeverity.Ok : ServiceHealthSeverity.Warn; // any open incident or advisory
        if (open.Any(i => i.Severity == ServiceHealthSeverity.Fail))
        {
            worstIssue = ServiceHealthSeverity.Fail;
        }

        var severity = (ServiceHealthSeverity)Math.Max((int)s.Severity, (int)worstIssue);
        var status = severity switch
        {
            ServiceHealthSeverity.Fail => CheckStatus.Fail,
            ServiceHealthSeverity.Warn => CheckStatus.Warn,
            _ => CheckStatus.Pass,
        };
        var lead = open.OrderByDescending(i => i.Severity).ThenByDescending(i => i.Classification == "incident").ThenBy(i => i.StartDateTime).FirstOrDefault();
        string summary;
        string? detail;
        if (lead is null)
        {
            summary = $"{s.Service}: {s.Status}, no open issue.";
            detail = status == CheckStatus.Pass ? null : $"Microsoft reports the status {s.Status} without an open issue.";
        }
        else
        {
            summary = $"{s.Service} reports {lead.Classification} {lead.Id} since {Time(lead.StartDateTime)}: {lead.Title}" +
                      (open.Count > 1 ? $" (+{open.Count - 1} more open)" : string.Empty);
            detail = $"Microsoft 365 service health: {s.Service} is {s.Status}. " +
                     (status == CheckStatus.Fail
                         ? $"{s.Service} reports {lead.Classification} {lead.Id} since {Time(lead.StartDateTime)}: this is the provider's outage, already known to Microsoft."
                         : $"Microsoft reports {open.Count} open issue(s); users may see {lead.ImpactDescription.TrimEnd('.').ToLowerInvariant()}.") +
                     " Follow it in the Microsoft 365 admin center > Service health, or with Get-ServiceHealthIssue -Id " + lead.Id + ".";
        }

        var evidence = open.Select(i => $"{i.Id} {i.Classification} {i.Status} since {Time(i.StartDateTime)}, updated {Time(i.LastModifiedDateTime)}: {i.Title}" +
                                         (i.ImpactDescription.Length == 0 ? string.Empty : " — " + i.ImpactDescription))
            .Prepend($"status: {s.Status} ({s.Id})");
        var result = new OutageCheckResult(CheckArea.ServiceHealth, s.Service, CheckId, status, summary, detail, evidence,
            s.RetrievedAt == default ? null : s.RetrievedAt, duration, value: open.Count, unit: "open issues");
        var since = open.Where(i => i.StartDateTime is not null).Select(i => i.StartDateTime!.Value).DefaultIfEmpty(result.Timestamp).Min();
        return status == CheckStatus.Pass ? result : result.WithSince(since);
    }

    private static string Time(DateTimeOffset? t) =>
        t is null ? "?" : t.Value.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);
}
