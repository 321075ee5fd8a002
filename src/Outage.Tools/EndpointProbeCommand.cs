using System;
using System.Management.Automation;
using Outage.Tools.Core.Endpoints;

namespace Outage.Tools;

/// <summary>
/// The parameters every endpoint probe shares (-Timeout, -SkipCertificateCheck, -TrustedRootCertificate,
/// -Credential, -DnsServer, -ThrottleLimit, -AddressFamily) and their conversion to Core options. The password
/// goes to Core as a NetworkCredential and is never written to any stream.
/// </summary>
public abstract class EndpointProbeCommand : OutageCmdlet
{
    /// <summary>How long the whole probe of one target may take (1s to 1h; a number is seconds).</summary>
    [Parameter]
    [TimeSpanTransformation]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Go on when the certificate is not valid; the result says so.</summary>
    [Parameter]
    public SwitchParameter SkipCertificateCheck { get; set; }

    /// <summary>A root CA certificate file (PEM or DER) to trust, for a private PKI.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? TrustedRootCertificate { get; set; }

    /// <summary>Credential for an authenticated probe; sent only over TLS to the target's host.</summary>
    [Parameter]
    [Credential]
    public PSCredential? Credential { get; set; }

    /// <summary>Resolve names through this DNS server (host or host:port).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? DnsServer { get; set; }

    /// <summary>Targets probed at the same time.</summary>
    [Parameter]
    [ValidateRange(1, 1024)]
    public int ThrottleLimit { get; set; } = 8;

    /// <summary>Connect over IPv4 or IPv6 only.</summary>
    [Parameter]
    public ProbeAddressFamily AddressFamily { get; set; } = ProbeAddressFamily.Any;

    /// <summary>Copies the common parameters onto a Core request.</summary>
    protected void Configure(EndpointProbeOptions options)
    {
        if (options is null)
        {
            throw new ArgumentNullException(nameof(options));
        }

        options.Timeout = RequireDuration(nameof(Timeout), Timeout, TimeSpan.FromSeconds(1), TimeSpan.FromHours(1), Core.ErrorIds.EndpointTimeoutInvalid);
        options.SkipCertificateCheck = SkipCertificateCheck.IsPresent;
        options.ThrottleLimit = ThrottleLimit;
        options.AddressFamily = AddressFamily;
        options.Credential = Credential is null || Credential == PSCredential.Empty ? null : Credential.GetNetworkCredential();
        try
        {
            options.Resolver = EndpointSetup.ResolverFor(DnsServer);
            if (TrustedRootCertificate is not null)
            {
                options.TrustedRoot = EndpointSetup.LoadTrustedRoot(SessionState.Path.GetUnresolvedProviderPathFromPSPath(TrustedRootCertificate));
            }
        }
        catch (Core.Operations.OutageException ex)
        {
            ThrowTerminatingError(ToErrorRecord(ex.Error));
        }

        if (SkipCertificateCheck.IsPresent)
        {
            WriteVerbose("Certificate validation is skipped (-SkipCertificateCheck): results say whether the certificate was valid.");
        }
    }
}
