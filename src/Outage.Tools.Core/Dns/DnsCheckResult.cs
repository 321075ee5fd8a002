using System;
using System.Collections.Generic;

namespace Outage.Tools.Core.Dns;

/// <summary>The verdict of one DNS check.</summary>
public enum DnsCheckStatus
{
    /// <summary>The check holds.</summary>
    Pass,

    /// <summary>Works, but is weak or unusual; worth a look.</summary>
    Warn,

    /// <summary>Broken: mail or clients will be affected.</summary>
    Fail,

    /// <summary>The check could not be made (a server did not answer).</summary>
    Error,
}

/// <summary>
/// One check of one target (a mail domain, a zone): Test-MailDomain and Test-DnsZoneConsistency output.
/// <see cref="Check"/> is a stable id (mx-present, spf-lookup-limit, soa-serial-consistent, ...).
/// </summary>
public sealed class DnsCheckResult
{
    public DnsCheckResult(string target, string check, DnsCheckStatus status, string summary, string? detail, IReadOnlyList<string> evidence,
        string reference, TimeSpan duration)
    {
        Target = target;
        Check = check;
        Status = status;
        Summary = summary;
        Detail = detail;
        Evidence = evidence;
        Reference = reference;
        Duration = duration;
    }

    /// <summary>The domain or zone checked.</summary>
    public string Target { get; }

    /// <summary>The stable check id.</summary>
    public string Check { get; }

    public DnsCheckStatus Status { get; }

    /// <summary>One line: what was found.</summary>
    public string Summary { get; }

    /// <summary>More: why it matters, what to change.</summary>
    public string? Detail { get; }

    /// <summary>The records (or answers) the verdict rests on, in presentation form.</summary>
    public IReadOnlyList<string> Evidence { get; }

    /// <summary>The RFC (and section) the check follows.</summary>
    public string Reference { get; }

    /// <summary>How long the check's lookups took.</summary>
    public TimeSpan Duration { get; }

    public override string ToString() => $"{Target} {Check} {Status}: {Summary}";
}
