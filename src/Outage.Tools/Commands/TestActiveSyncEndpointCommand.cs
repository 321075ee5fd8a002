using System.Collections.Generic;
using System.Management.Automation;
using Outage.Tools.Core.Endpoints;

namespace Outage.Tools.Commands;

/// <summary>Test-ActiveSyncEndpoint: OPTIONS to Exchange ActiveSync: the 401 schemes, or with -Credential the protocol versions and commands.</summary>
[Cmdlet(VerbsDiagnostic.Test, "ActiveSyncEndpoint", HelpUri = OutageCmdlet.HelpBase + "Test-ActiveSyncEndpoint.md", DefaultParameterSetName = "HostName")]
[OutputType(typeof(HttpEndpointResult))]
public sealed class TestActiveSyncEndpointCommand : EndpointProbeCommand
{
    private readonly List<string> _targets = new();

    /// <summary>Full URIs, e.g. https://mail.contoso.com/Microsoft-Server-ActiveSync.</summary>
    [Parameter(Mandatory = true, ParameterSetName = "Uri", ValueFromPipelineByPropertyName = true)]
    [Alias("Url")]
    [ValidateNotNullOrEmpty]
    public string[]? Uri { get; set; }

    /// <summary>Host names (optionally :port); the path /Microsoft-Server-ActiveSync is used.</summary>
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
        Emit(() => HttpEndpointProbe.TestActiveSync(request, progress, Cancellation), progress);
    }
}
