using System.Management.Automation;
using Outage.Tools.Core.Logs;

namespace Outage.Tools.Commands;

/// <summary>Measure-MailLog: pflogsumm/eximstats-like summary of mail logs (totals, hours, domains, reasons).</summary>
[Cmdlet(VerbsDiagnostic.Measure, "MailLog", DefaultParameterSetName = "Path", HelpUri = OutageCmdlet.HelpBase + "Measure-MailLog.md")]
[OutputType(typeof(MailLogSummaryRow))]
public sealed class MeasureMailLogCommand : MailLogCmdlet
{
    /// <summary>What the rows are: Total, Hour, RecipientDomain, Reason (several allowed).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public MailLogGroupBy[] GroupBy { get; set; } = { MailLogGroupBy.Total };

    protected override void ProcessRecord() => CollectInputs();

    protected override void EndProcessing()
    {
        if (CollectedRequest() is not { } request)
        {
            return;
        }

        var options = new MailLogSummaryOptions();
        foreach (var g in GroupBy)
        {
            options.GroupBy.Add(g);
        }

        Emit(() => MailLogSummary.Run(MailLog.Read(request, null, Cancellation), options, Cancellation));
    }
}
