using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Outage.Tools.Core.Dns;
using Outage.Tools.Core.Operations;

namespace Outage.Tools.Core.Checks.Providers;

/// <summary>
/// DNS checks, per configured domain: the mail-domain checks of Test-MailDomain (mx-present, mx-target, spf-*,
/// dmarc-*, mta-sts, tls-rpt, autodiscover) through the configured DNS servers; a check whose answer took longer
/// than DnsResponseWarnMilliseconds is at least Warn.
/// </summary>
public sealed class DnsCheckProvider : IOutageCheckProvider
{
    public CheckArea Area => CheckArea.Dns;

    public IEnumerable<CheckUnit> Plan(OutageCheckConfiguration configuration)
    {
        if (configuration is null)
        {
            throw new ArgumentNullException(nameof(configuration));
        }

        foreach (var domain in configuration.Domains)
        {
            yield return new CheckUnit(Area, domain, "mail-domain", ct => Check(domain, configuration, ct));
        }
    }

    private static IEnumerable<OutageCheckResult> Check(string domain, OutageCheckConfiguration configuration, CancellationToken ct)
    {
        var request = new MailDomainRequest { Domains = new[] { domain }, ThrottleLimit = 1 };
        foreach (var server in configuration.DnsServers)
        {
            request.Servers.Add(server);
        }

        var slowMs = configuration.Thresholds.DnsResponseWarnMilliseconds;
        foreach (var o in MailDomainCheck.Run(request, null, ct))
        {
            if (o.Kind == OutcomeKind.Error)
            {
                yield return new OutageCheckResult(CheckArea.Dns, domain, "mail-domain", CheckStatus.Error, o.Error!.Message, o.Error.RecommendedAction);
                continue;
            }

            if (o.Kind != OutcomeKind.Result)
            {
                continue;
            }

            var r = o.Value!;
            var status = (CheckStatus)Enum.Parse(typeof(CheckStatus), r.Status.ToString(), true);
            var detail = r.Detail;
            if (status == CheckStatus.Pass && r.Duration.TotalMilliseconds > slowMs)
            {
                status = CheckStatus.Warn;
                detail = $"Answered in {r.Duration.TotalMilliseconds:0} ms (Warn above {slowMs:0} ms). " + detail;
            }

            yield return new OutageCheckResult(CheckArea.Dns, r.Target, r.Check, status, r.Summary, detail,
                r.Evidence.Concat(new[] { "reference: " + r.Reference }), null, r.Duration, value: Math.Round(r.Duration.TotalMilliseconds, 1), unit: "ms");
        }
    }
}
