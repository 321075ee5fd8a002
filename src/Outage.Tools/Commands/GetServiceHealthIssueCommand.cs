using System;
using System.Collections.Generic;
using System.Management.Automation;
using Outage.Tools.Core.ServiceHealth;

namespace Outage.Tools.Commands;

/// <summary>
/// Get-ServiceHealthIssue: the incidents and advisories Microsoft 365 publishes (Graph serviceAnnouncement/issues,
/// the last 30 days), with their posts, filtered here by id, service, status, classification, time and state.
/// </summary>
[Cmdlet(VerbsCommon.Get, "ServiceHealthIssue", DefaultParameterSetName = SecretSet, HelpUri = OutageCmdlet.HelpBase + "Get-ServiceHealthIssue.md")]
[OutputType(typeof(ServiceHealthIssue))]
public sealed class GetServiceHealthIssueCommand : ServiceHealthCommand
{
    private readonly List<string> _services = new();

    /// <summary>Issue ids (EX123456), wildcards allowed.</summary>
    [Parameter(Position = 0)]
    [ValidateNotNullOrEmpty]
    public string[]? Id { get; set; }

    /// <summary>Service names as issues carry them (Exchange Online), wildcards allowed; binds from Get-ServiceHealth output.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string[]? Service { get; set; }

    /// <summary>Only issues with these statuses (any case, wildcards allowed).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? Status { get; set; }

    /// <summary>incident, advisory (or unknownFutureValue).</summary>
    [Parameter]
    [ValidateSet("incident", "advisory", "unknownFutureValue", IgnoreCase = true)]
    public string[]? Classification { get; set; }

    /// <summary>Only issues changed (last update, else start) at or after this time.</summary>
    [Parameter]
    public DateTime? Since { get; set; }

    /// <summary>Only issues that are not resolved.</summary>
    [Parameter]
    public SwitchParameter Active { get; set; }

    protected override void ProcessRecord() => _services.AddRange(Service ?? Array.Empty<string>());

    protected override void EndProcessing()
    {
        var request = Connect(new ServiceHealthIssueRequest());
        request.Ids.AddRange(Id ?? Array.Empty<string>());
        request.Services.AddRange(_services);
        request.Status.AddRange(Status ?? Array.Empty<string>());
        request.Classification.AddRange(Classification ?? Array.Empty<string>());
        request.Active = Active.IsPresent;
        if (Since is DateTime since)
        {
            request.Since = since.Kind == DateTimeKind.Unspecified ? new DateTimeOffset(since) : new DateTimeOffset(since.ToUniversalTime(), TimeSpan.Zero);
        }

        Emit(() => ServiceHealthQuery.GetIssues(request, Cancellation));
    }
}
