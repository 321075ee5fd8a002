using System.Collections.Generic;
using System.Management.Automation;
using Outage.Tools.Core.Endpoints;

namespace Outage.Tools.Commands;

/// <summary>Test-SmtpEndpoint: banner, EHLO extensions, STARTTLS or implicit TLS, optionally MAIL FROM/RCPT TO (never DATA).</summary>
[Cmdlet(VerbsDiagnostic.Test, "SmtpEndpoint", HelpUri = OutageCmdlet.HelpBase + "Test-SmtpEndpoint.md")]
[OutputType(typeof(SmtpEndpointResult))]
public sealed class TestSmtpEndpointCommand : EndpointProbeCommand
{
    private readonly List<string> _targets = new();

    /// <summary>host, host:port or [IPv6]:port.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("ComputerName", "NameExchange", "Exchange", "Target")]
    [ValidateNotNullOrEmpty]
    public string[]? HostName { get; set; }

    /// <summary>StartTls (default), Implicit (port 465) or None.</summary>
    [Parameter]
    public SmtpTlsMode Tls { get; set; } = SmtpTlsMode.StartTls;

    /// <summary>Port when a target has none (default 25, or 465 with -Tls Implicit).</summary>
    [Parameter]
    [ValidateRange(1, 65535)]
    public int Port { get; set; }

    /// <summary>Name to greet with in EHLO.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? HeloName { get; set; }

    /// <summary>MAIL FROM address for an envelope probe ('' for the null sender).</summary>
    [Parameter]
    [AllowEmptyString]
    public string? From { get; set; }

    /// <summary>RCPT TO addresses (with -From); the probe stops at RCPT, then RSET and QUIT.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? To { get; set; }

    protected override void ProcessRecord() => _targets.AddRange(HostName ?? System.Array.Empty<string>());

    protected override void EndProcessing()
    {
        var request = new SmtpEndpointRequest { Tls = Tls, HeloName = HeloName, From = From, Port = Port > 0 ? Port : null };
        Configure(request);
        foreach (var to in To ?? System.Array.Empty<string>())
        {
            request.To.Add(to);
        }

        foreach (var t in _targets)
        {
            request.Targets.Add(t);
        }

        if (request.To.Count > 0 && request.From is null)
        {
            ThrowArgumentError(Core.ErrorIds.InvalidArgument, "-To needs -From.", To, "Give -From (an address, or '' for the null sender).");
        }

        var progress = NewProgress();
        Emit(() => SmtpProbe.Test(request, progress, Cancellation), progress);
    }
}
