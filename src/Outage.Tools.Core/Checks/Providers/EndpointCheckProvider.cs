using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Outage.Tools.Core.Endpoints;
using Outage.Tools.Core.Operations;

namespace Outage.Tools.Core.Checks.Providers;

/// <summary>
/// Endpoint checks, per configured URL, host or address: OWA, ActiveSync and EWS probes, SMTP (STARTTLS) and
/// Autodiscover. Besides the probe's own verdict, a certificate that expires within CertificateWarnDays is Warn
/// (CertificateFailDays: Fail) and a total time over EndpointResponseWarnMilliseconds is Warn.
/// </summary>
public sealed class EndpointCheckProvider : IOutageCheckProvider
{
    public CheckArea Area => CheckArea.Endpoint;

    public IEnumerable<CheckUnit> Plan(OutageCheckConfiguration configuration)
    {
        if (configuration is null)
        {
            throw new ArgumentNullException(nameof(configuration));
        }

        var t = configuration.Thresholds;
        foreach (var uri in configuration.OwaUris)
        {
            yield return Http(uri, "owa", configuration, HttpEndpointProbe.TestOwa);
        }

        foreach (var uri in configuration.ActiveSyncUris)
        {
            yield return Http(uri, "activesync", configuration, HttpEndpointProbe.TestActiveSync);
        }

        foreach (var uri in configuration.EwsUris)
        {
            yield return Http(uri, "ews", configuration, HttpEndpointProbe.TestEws);
        }

        foreach (var host in configuration.SmtpHosts)
        {
            yield return new CheckUnit(Area, host, "smtp", ct =>
            {
                var request = Options(new SmtpEndpointRequest(), configuration);
                request.Targets.Add(host);
                return SmtpProbe.Test(request, null, ct).Select(o => o.Kind == OutcomeKind.Result
                    ? Grade(o.Value!.Target, "smtp", o.Value.Status, o.Value.Summary, o.Value.Detail, o.Value.Tls, o.Value.Timings.TotalMs, t,
                        new[] { o.Value.Timings.ToString(), o.Value.Banner is null ? string.Empty : "banner: " + o.Value.Banner, "extensions: " + string.Join(" ", o.Value.Extensions) })
                    : ErrorOf(host, "smtp", o)).Where(r => r is not null).Select(r => r!);
            });
        }

        foreach (var address in configuration.AutodiscoverAddresses)
        {
            yield return new CheckUnit(Area, address, "autodiscover", ct =>
            {
                var request = Options(new AutodiscoverRequest(), configuration);
                request.SrvResolver = request.Resolver as ISrvResolver; // the configured DNS server also answers step 4 (SRV)
                request.EmailAddresses.Add(address);
                return AutodiscoverProbe.Test(request, null, ct).Select(o => o.Kind == OutcomeKind.Result
                    ? Grade(o.Value!.Target, "autodiscover", o.Value.Status, o.Value.Summary, o.Value.Detail, null, o.Value.TotalMs, t,
                        new[] { "endpoint: " + o.Value.EndpointUrl })
                    : ErrorOf(address, "autodiscover", o)).Where(r => r is not null).Select(r => r!);
            });
        }
    }

    private static CheckUnit Http(string uri, string check, OutageCheckConfiguration configuration,
        Func<HttpEndpointRequest, IProgress<OperationProgress>?, CancellationToken, IEnumerable<Outcome<HttpEndpointResult>>> probe) =>
        new(CheckArea.Endpoint, uri, check, ct =>
        {
            var request = Options(new HttpEndpointRequest(), configuration);
            request.Targets.Add(uri);
            return probe(request, null, ct).Select(o => o.Kind == OutcomeKind.Result
                ? Grade(o.Value!.Target, check, o.Value.Status, o.Value.Summary, o.Value.Detail, o.Value.Tls, o.Value.TotalMs, configuration.Thresholds,
                    new[] { $"HTTP {o.Value.StatusCode} {o.Value.Outcome}", o.Value.Timings.ToString() ?? string.Empty, "final URL: " + (o.Value.FinalUrl ?? o.Value.Url) }
                        .Concat(o.Value.AuthSchemes.Select(s => "auth: " + s)))
                : ErrorOf(uri, check, o)).Where(r => r is not null).Select(r => r!);
        });

    private static T Options<T>(T request, OutageCheckConfiguration configuration)
        where T : EndpointProbeOptions
    {
        request.Timeout = TimeSpan.FromSeconds(Math.Max(1, Math.Min(30, configuration.Thresholds.CheckTimeoutSeconds / 2)));
        request.ThrottleLimit = 1;
        // The DNS servers of the configuration also resolve the endpoints' host names, so a DNS hosting failure
        // shows as the endpoints' DnsLookup failure, as clients see it.
        if (configuration.DnsServers.Count > 0)
        {
            request.Resolver = EndpointSetup.ResolverFor(configuration.DnsServers[0]);
        }

        if (configuration.TrustedRootCertificate is not null)
        {
            request.TrustedRoot = EndpointSetup.LoadTrustedRoot(configuration.TrustedRootCertificate);
        }

        return request;
    }

    private static OutageCheckResult? ErrorOf<T>(string target, string check, Outcome<T> o) =>
        o.Kind == OutcomeKind.Error ? new OutageCheckResult(CheckArea.Endpoint, target, check, CheckStatus.Error, o.Error!.Message, o.Error.RecommendedAction) : null;

    private static OutageCheckResult Grade(string target, string check, ProbeStatus probe, string summary, string? detail, TlsDetails? tls,
        double totalMs, OutageThresholds t, IEnumerable<string> evidence)
    {
        var status = (CheckStatus)Enum.Parse(typeof(CheckStatus), probe.ToString(), true);
        var notes = new List<string>();
        if (tls?.DaysUntilExpiry is int days)
        {
            var cert = days <= t.CertificateFailDays ? CheckStatus.Fail : days <= t.CertificateWarnDays ? CheckStatus.Warn : CheckStatus.Pass;
            if (cert != CheckStatus.Pass)
            {
                notes.Add($"The certificate {tls.Subject} expires in {days} days (Warn at {t.CertificateWarnDays}, Fail at {t.CertificateFailDays}).");
                status = (CheckStatus)Math.Max((int)status, (int)cert);
            }
        }

        if (status == CheckStatus.Pass && totalMs > t.EndpointResponseWarnMilliseconds)
        {
            notes.Add($"Answered in {totalMs:0} ms (Warn above {t.EndpointResponseWarnMilliseconds:0} ms).");
            status = CheckStatus.Warn;
        }

        var tlsEvidence = tls is null ? Array.Empty<string>() : new[] { $"TLS {tls.Protocol} {tls.Cipher}; certificate {tls.Subject}, issuer {tls.Issuer}, expires {tls.NotAfter:yyyy-MM-dd} ({tls.DaysUntilExpiry} days), name matches {tls.NameMatches}, chain valid {tls.ChainValid}" };
        return new OutageCheckResult(CheckArea.Endpoint, target, check, status, summary, string.Join(" ", notes.Append(detail ?? string.Empty)).Trim(),
            evidence.Where(e => !string.IsNullOrEmpty(e)).Concat(tlsEvidence), null, TimeSpan.FromMilliseconds(totalMs), value: Math.Round(totalMs, 1), unit: "ms");
    }
}
