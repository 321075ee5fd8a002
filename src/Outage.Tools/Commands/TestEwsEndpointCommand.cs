using System.Collections.Generic;
using System.Management.Automation;
using Outage.Tools.Core.Endpoints;

namespace Outage.Tools.Commands;

/// <summary>Test-EwsEndpoint: probes Exchange Web Services: the 401 schemes, or with -Credential a minimal SOAP GetFolder request and its answer.</summary>
[Cmdlet(VerbsDiagnostic.Test, "EwsEndpoint", HelpUri = OutageCmdlet.HelpBase + "Test-EwsEndpoint.md", DefaultParameterSetName = "HostName")]
[OutputType(typeof(HttpEndpointResult))]
public sealed class TestEwsEndpointCommand : EndpointProbeCommand
{
    private readonly List<string> _targets = new();

    /// <summary>Full URIs, e.g. https://mail.contoso.com/EWS/Exchange.asmx.</summary>
    [Parameter(Mandatory = true, ParameterSetName = "Uri", ValueFromPipelineByPropertyName = true)]
    [Alias("Url")]
    [ValidateNotNullOrEmpty]
    public string[]? Uri { get; set; }

    /// <summary>Host names (optionally :port); the path /EWS/Exchange.asmx is used.</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = "HostName", ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("ComputerName", "Server", "Fqdn")]
    [ValidateNotNullOrEmpty]
    public string[]? HostName { get; set; }

    protected override void ProcessRecord() => _targets.AddRange((ParameterSetName == "Uri" ? Uri : HostName) ?? System.Array.Empty<string>());

    protected override void EndProcessing()
    {
        var request = new HttpEndpointRequest();
        Configure(request);
        foreach (var t in _targets)
        {
            request.Targets.Add(t);
        }

        var progress = NewProgress();
        Emit(() => HttpEndpointProbe.TestEws(request, progress, Cancellation), progress);
    }
}
