using System.Collections.Generic;
using System.Management.Automation;
using Outage.Tools.Core.Logs;

namespace Outage.Tools.Commands;

/// <summary>Measure-MailLog: pflogsumm/eximstats-like summary of mail logs (totals, hours, domains, reasons).</summary>
[Cmdlet(VerbsDiagnostic.Measure, "MailLog", DefaultParameterSetName = "Path", HelpUri = OutageCmdlet.HelpBase + "Measure-MailLog.md")]
[OutputType(typeof(MailLogSummaryRow))]
public sealed class MeasureMailLogCommand : MailLogCmdlet
{
    private readonly List<MailLogInput> _inputs = new();
    private MailLogRequest? _request;

    /// <summary>What the rows are: Total, Hour, RecipientDomain, Reason (several allowed).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public MailLogGroupBy[] GroupBy { get; set; } = { MailLogGroupBy.Total };

    protected override void ProcessRecord()
    {
        _request ??= NewRequest();
        _inputs.AddRange(Inputs());
    }

    protected override void EndProcessing()
    {
        if (_request is null || _inputs.Count == 0)
        {
            return;
        }

        foreach (var input in _inputs)
        {
            _request.Inputs.Add(input);
        }

        var options = new MailLogSummaryOptions();
        foreach (var g in GroupBy)
        {
            options.GroupBy.Add(g);
        }

        var request = _request;
        Emit(() => MailLogSummary.Run(MailLog.Read(request, null, Cancellation), options, Cancellation));
    }
}
