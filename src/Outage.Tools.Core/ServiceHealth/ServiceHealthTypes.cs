using System;
using System.Collections.Generic;
using System.Linq;

namespace Outage.Tools.Core.ServiceHealth;

/// <summary>How bad a service health status is, for the outage check and the views.</summary>
public enum ServiceHealthSeverity
{
    /// <summary>Operational, restored, resolved, false positive.</summary>
    Ok = 0,

    /// <summary>Degradation, extended recovery, investigating, restoring, verifying, or a value we do not know.</summary>
    Warn = 1,

    /// <summary>serviceInterruption: users cannot use the service.</summary>
    Fail = 2,
}

/// <summary>
/// The values of Graph's serviceHealthStatus enumeration (graph-docs-contrib resources/servicehealth.md). The docs
/// list camelCase values while the response examples show PascalCase, so values are compared without case and
/// returned in the documented camelCase; a value not in the list is kept exactly as received.
/// </summary>
public static class ServiceHealthStatusValues
{
    public const string ServiceOperational = "serviceOperational";
    public const string ServiceDegradation = "serviceDegradation";
    public const string ServiceInterruption = "serviceInterruption";
    public const string ExtendedRecovery = "extendedRecovery";

    /// <summary>Every documented value (including those reserved for future use) with its severity.</summary>
    public static readonly IReadOnlyDictionary<string, ServiceHealthSeverity> Known = new Dictionary<string, ServiceHealthSeverity>(StringComparer.OrdinalIgnoreCase)
    {
        ["serviceOperational"] = ServiceHealthSeverity.Ok,
        ["investigating"] = ServiceHealthSeverity.Warn,
        ["restoringService"] = ServiceHealthSeverity.Warn,
        ["verifyingService"] = ServiceHealthSeverity.Warn,
        ["serviceRestored"] = ServiceHealthSeverity.Ok,
        ["postIncidentReviewPublished"] = ServiceHealthSeverity.Ok,
        ["serviceDegradation"] = ServiceHealthSeverity.Warn,
        ["serviceInterruption"] = ServiceHealthSeverity.Fail,
        ["extendedRecovery"] = ServiceHealthSeverity.Warn,
        ["falsePositive"] = ServiceHealthSeverity.Ok,
        ["investigationSuspended"] = ServiceHealthSeverity.Ok,
        ["resolved"] = ServiceHealthSeverity.Ok,
        ["mitigatedExternal"] = ServiceHealthSeverity.Ok,
        ["mitigated"] = ServiceHealthSeverity.Ok,
        ["resolvedExternal"] = ServiceHealthSeverity.Ok,
        ["confirmed"] = ServiceHealthSeverity.Warn,
        ["reported"] = ServiceHealthSeverity.Warn,
        ["unknownFutureValue"] = ServiceHealthSeverity.Warn,
    };

    private static readonly Dictionary<string, string> Canonical = Known.Keys.ToDictionary(k => k, k => k, StringComparer.OrdinalIgnoreCase);

    /// <summary>The documented spelling of a known value (any case), or the value itself when unknown.</summary>
    public static string Normalize(string? value) =>
        value is null ? string.Empty : Canonical.TryGetValue(value, out var c) ? c : value;

    /// <summary>The severity of a status; unknown values are Warn (someone should look).</summary>
    public static ServiceHealthSeverity SeverityOf(string? value) =>
        value is not null && Known.TryGetValue(value, out var s) ? s : ServiceHealthSeverity.Warn;

    /// <summary>Normalizes an enumeration value of a known list (classification, origin, postType…), keeping unknown ones.</summary>
    internal static string NormalizeEnum(string? value, params string[] documented)
    {
        if (value is null)
        {
            return string.Empty;
        }

        return documented.FirstOrDefault(d => string.Equals(d, value, StringComparison.OrdinalIgnoreCase)) ?? value;
    }
}

/// <summary>One service of <c>GET /admin/serviceAnnouncement/healthOverviews</c> (resource serviceHealth).</summary>
public sealed class ServiceHealthOverview
{
    /// <summary>The service id (<c>Exchange</c>, <c>OrgLiveID</c>…).</summary>
    public string Id { get; set; } = string.Empty;

    /// <summary>The display name (<c>Exchange Online</c>).</summary>
    public string Service { get; set; } = string.Empty;

    /// <summary>serviceHealthStatus in its documented camelCase, or as received when not documented.</summary>
    public string Status { get; set; } = string.Empty;

    public ServiceHealthSeverity Severity { get; set; }

    /// <summary>Unresolved issues of this service (from <c>$expand=issues</c>).</summary>
    public int OpenIssueCount { get; set; }

    /// <summary>The unresolved issues as "ID title" joined by "; " (flat, for CSV and the check).</summary>
    public string OpenIssues { get; set; } = string.Empty;

    /// <summary>The unresolved issues themselves.</summary>
    public IReadOnlyList<ServiceHealthIssue> Issues { get; set; } = Array.Empty<ServiceHealthIssue>();

    /// <summary>When the answer was received.</summary>
    public DateTimeOffset RetrievedAt { get; set; }

    public override string ToString() => $"{Service}: {Status}";
}

/// <summary>One issue of <c>GET /admin/serviceAnnouncement/issues</c> (resource serviceHealthIssue).</summary>
public sealed class ServiceHealthIssue
{
    /// <summary>The issue id, e.g. <c>EX226792</c>.</summary>
    public string Id { get; set; } = string.Empty;

    public string Title { get; set; } = string.Empty;

    /// <summary>The service display name.</summary>
    public string Service { get; set; } = string.Empty;

    public string Feature { get; set; } = string.Empty;

    public string FeatureGroup { get; set; } = string.Empty;

    /// <summary>advisory, incident or unknownFutureValue (or as received).</summary>
    public string Classification { get; set; } = string.Empty;

    /// <summary>serviceHealthStatus (documented camelCase, or as received).</summary>
    public string Status { get; set; } = string.Empty;

    public ServiceHealthSeverity Severity { get; set; }

    /// <summary>microsoft, thirdParty, customer or unknownFutureValue.</summary>
    public string Origin { get; set; } = string.Empty;

    public bool IsResolved { get; set; }

    public DateTimeOffset? StartDateTime { get; set; }

    public DateTimeOffset? EndDateTime { get; set; }

    public DateTimeOffset? LastModifiedDateTime { get; set; }

    public string ImpactDescription { get; set; } = string.Empty;

    public int PostCount { get; set; }

    /// <summary>The newest post as plain text (HTML tags removed), for a quick look.</summary>
    public string LatestPost { get; set; } = string.Empty;

    public IReadOnlyList<ServiceHealthIssuePost> Posts { get; set; } = Array.Empty<ServiceHealthIssuePost>();

    public override string ToString() => $"{Id} {Title}";
}

/// <summary>One post of an issue (resource serviceHealthIssuePost).</summary>
public sealed class ServiceHealthIssuePost
{
    public DateTimeOffset? CreatedDateTime { get; set; }

    /// <summary>regular, quick, strategic or unknownFutureValue.</summary>
    public string PostType { get; set; } = string.Empty;

    /// <summary>The description as sent (Graph supports only HTML).</summary>
    public string Content { get; set; } = string.Empty;

    /// <summary>The description with tags removed and entities decoded.</summary>
    public string Text { get; set; } = string.Empty;

    public override string ToString() => $"{CreatedDateTime:u} {PostType}: {Text}";
}

/// <summary>One Message center post of <c>GET /admin/serviceAnnouncement/messages</c> (resource serviceUpdateMessage).</summary>
public sealed class ServiceUpdateMessage
{
    public string Id { get; set; } = string.Empty;

    public string Title { get; set; } = string.Empty;

    /// <summary>preventOrFixIssue, planForChange, stayInformed or unknownFutureValue.</summary>
    public string Category { get; set; } = string.Empty;

    /// <summary>normal, high, critical or unknownFutureValue.</summary>
    public string Severity { get; set; } = string.Empty;

    /// <summary>The services concerned, joined by ", ".</summary>
    public string Services { get; set; } = string.Empty;

    public string Tags { get; set; } = string.Empty;

    public bool IsMajorChange { get; set; }

    public DateTimeOffset? StartDateTime { get; set; }

    public DateTimeOffset? EndDateTime { get; set; }

    public DateTimeOffset? LastModifiedDateTime { get; set; }

    public DateTimeOffset? ActionRequiredByDateTime { get; set; }

    /// <summary>The body with tags removed.</summary>
    public string Text { get; set; } = string.Empty;

    public override string ToString() => $"{Id} {Title}";
}
