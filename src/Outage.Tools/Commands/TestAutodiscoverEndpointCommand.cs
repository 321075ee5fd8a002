using System.Collections.Generic;
using System.Management.Automation;
using Outage.Tools.Core.Endpoints;

namespace Outage.Tools.Commands;

/// <summary>Test-AutodiscoverEndpoint: the MS-OXDISCO order and Autodiscover v2 for an address, one record per attempt.</summary>
[Cmdlet(VerbsDiagnostic.Test, "AutodiscoverEndpoint", HelpUri = OutageCmdlet.HelpBase + "Test-AutodiscoverEndpoint.md")]
[OutputType(typeof(AutodiscoverResult))]
public sealed class TestAutodiscoverEndpointCommand : EndpointProbeCommand
{
    private readonly List<string> _addresses = new();

    /// <summary>E-mail addresses to discover settings for.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("PrimarySmtpAddress", "Mail", "UserPrincipalName")]
    [ValidateNotNullOrEmpty]
    public string[]? EmailAddress { get; set; }

    /// <summary>Only the XML order, not Autodiscover v2 (JSON).</summary>
    [Parameter]
    public SwitchParameter XmlOnly { get; set; }

    protected override void ProcessRecord() => _addresses.AddRange(EmailAddress ?? System.Array.Empty<string>());

    protected override void EndProcessing()
    {
        var request = new AutodiscoverRequest { IncludeV2 = !XmlOnly.IsPresent };
        Configure(request);
        request.SrvResolver = request.Resolver as ISrvResolver; // -DnsServer also answers the SRV step (4)
        foreach (var a in _addresses)
        {
            request.EmailAddresses.Add(a);
        }

        var progress = NewProgress();
        Emit(() => AutodiscoverProbe.Test(request, progress, Cancellation), progress);
    }
}
