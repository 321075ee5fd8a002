using System;
using System.Collections.Generic;
using System.Management.Automation;
using Outage.Tools.Core.ServiceHealth;

namespace Outage.Tools.Commands;

/// <summary>
/// Get-ServiceHealth: is it us or Microsoft? One object per Microsoft 365 service from Graph's
/// healthOverviews (with its unresolved issues), status parsed without case.
/// </summary>
[Cmdlet(VerbsCommon.Get, "ServiceHealth", DefaultParameterSetName = SecretSet, HelpUri = OutageCmdlet.HelpBase + "Get-ServiceHealth.md")]
[OutputType(typeof(ServiceHealthOverview))]
public sealed class GetServiceHealthCommand : ServiceHealthCommand
{
    private readonly List<string> _services = new();

    /// <summary>Service ids (Exchange) or names (Exchange Online), wildcards allowed; default all.</summary>
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string[]? Service { get; set; }

    /// <summary>Only services with these statuses (serviceDegradation, serviceInterruption…; any case, wildcards allowed).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? Status { get; set; }

    protected override void ProcessRecord() => _services.AddRange(Service ?? Array.Empty<string>());

    protected override void EndProcessing()
    {
        var request = Connect(new ServiceHealthRequest());
        request.Services.AddRange(_services);
        request.Status.AddRange(Status ?? Array.Empty<string>());
        Emit(() => ServiceHealthQuery.GetHealth(request, Cancellation));
    }
}
