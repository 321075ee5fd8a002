using System;
using System.Management.Automation;
using Outage.Tools.Core;
using Outage.Tools.Core.Dns;

namespace Outage.Tools.Commands;

/// <summary>Test-MailDomain: checks the mail-related DNS records of domains (MX, SPF, DMARC, DKIM, MTA-STS, TLS-RPT, Autodiscover).</summary>
[Cmdlet(VerbsDiagnostic.Test, "MailDomain", HelpUri = OutageCmdlet.HelpBase + "Test-MailDomain.md")]
[OutputType(typeof(DnsCheckResult))]
public sealed class TestMailDomainCommand : OutageCmdlet
{
    private readonly PipelineBatch<string> _pending = new();

    /// <summary>The mail domains to check.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("DomainName", "Name")]
    [ValidateNotNullOrEmpty]
    public string[] Domain { get; set; } = Array.Empty<string>();

    /// <summary>Resolvers as host[:port]; default the system's.</summary>
    [Parameter]
    [Alias("DnsServer")]
    [ValidateNotNullOrEmpty]
    public string[]? Server { get; set; }

    /// <summary>DKIM selectors whose keys to check.</summary>
    [Parameter]
    [Alias("Selector")]
    [ValidateNotNullOrEmpty]
    public string[]? DkimSelector { get; set; }

    /// <summary>The Outlook on the web host name to check.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? OwaHost { get; set; }

    /// <summary>How long to wait for each answer (10ms to 5m; a number is seconds).</summary>
    [Parameter]
    [TimeSpanTransformation]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Further attempts after the first.</summary>
    [Parameter]
    [ValidateRange(0, 10)]
    public int Retry { get; set; } = 1;

    /// <summary>Domains checked at once.</summary>
    [Parameter]
    [ValidateRange(1, 1024)]
    public int ThrottleLimit { get; set; } = 32;

    protected override void ProcessRecord()
    {
        _pending.Add(Domain, Math.Max(64, ThrottleLimit * 4), Run);
    }

    protected override void EndProcessing() => _pending.Flush(Run);

    private void Run(string[] batch)
    {
        var request = new MailDomainRequest
        {
            Domains = batch,
            OwaHost = OwaHost,
            Timeout = RequireDuration(nameof(Timeout), Timeout, TimeSpan.FromMilliseconds(10), TimeSpan.FromMinutes(5), ErrorIds.DnsTimeoutInvalid),
            Retry = Retry,
            ThrottleLimit = ThrottleLimit,
        };
        foreach (var s in Server ?? Array.Empty<string>())
        {
            request.Servers.Add(s);
        }

        foreach (var s in DkimSelector ?? Array.Empty<string>())
        {
            request.DkimSelectors.Add(s);
        }

        var progress = NewProgress();
        Emit(() => MailDomainCheck.Run(request, progress, Cancellation), progress);
    }
}
