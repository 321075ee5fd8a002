using System;
using System.Collections.Generic;
using System.Management.Automation;
using Outage.Tools.Core;
using Outage.Tools.Core.Dns;
using Outage.Tools.Core.Operations;

namespace Outage.Tools.Commands;

/// <summary>Test-MailDomain: checks the mail-related DNS records of domains (MX, SPF, DMARC, DKIM, MTA-STS, TLS-RPT, Autodiscover).</summary>
[Cmdlet(VerbsDiagnostic.Test, "MailDomain", HelpUri = OutageCmdlet.HelpBase + "Test-MailDomain.md")]
[OutputType(typeof(DnsCheckResult))]
public sealed class TestMailDomainCommand : OutageCmdlet
{
    private readonly PipelineStream<string, DnsCheckResult> _stream = new();
    private ProgressSink? _progress;

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
        // Piped domains flow into one check for the whole pipeline: one DNS client, one progress activity.
        _progress ??= NewProgress();
        FeedStream(_stream, Domain, Run, _progress);
    }

    protected override void EndProcessing() => EndStream(_stream, _progress);

    private IEnumerable<Outcome<DnsCheckResult>> Run(IEnumerable<string> domains)
    {
        var request = new MailDomainRequest
        {
            Domains = domains,
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

        return MailDomainCheck.Run(request, _progress, Cancellation);
    }
}
