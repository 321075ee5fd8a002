using System;
using System.Management.Automation;
using Outage.Tools.Core.Logs;

namespace Outage.Tools.Commands;

/// <summary>
/// Measure-MessageDelay: end-to-end delivery delay (receipt to last delivery) per message from mail logs, with
/// percentiles per hour and per destination, as CSS-Exchange's Measure-EmailDelayInMTL measures tracking logs.
/// </summary>
[Cmdlet(VerbsDiagnostic.Measure, "MessageDelay", DefaultParameterSetName = "Path", HelpUri = OutageCmdlet.HelpBase + "Measure-MessageDelay.md")]
[OutputType(typeof(MessageDelayRow))]
public sealed class MeasureMessageDelayCommand : MailLogCmdlet
{
    /// <summary>What the rows are: Total, Hour, RecipientDomain, Message (several allowed).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public MessageDelayGroupBy[] GroupBy { get; set; } = { MessageDelayGroupBy.Total };

    /// <summary>Message rows only for messages delayed at least this long (undelivered ones always): 10m, 1h, 00:15:00, or seconds.</summary>
    [Parameter]
    [TimeSpanTransformation]
    public TimeSpan MinimumDelay { get; set; }

    protected override void BeginProcessing()
    {
        if (MyInvocation.BoundParameters.ContainsKey(nameof(MinimumDelay)))
        {
            RequireDuration(nameof(MinimumDelay), MinimumDelay, TimeSpan.Zero, TimeSpan.FromDays(3650), Core.ErrorIds.InvalidArgument);
        }
    }

    protected override void ProcessRecord() => CollectInputs();

    protected override void EndProcessing()
    {
        var logs = CollectedCount;
        if (CollectedRequest() is not { } request)
        {
            return;
        }

        var options = new MessageDelayOptions();
        foreach (var g in GroupBy)
        {
            options.GroupBy.Add(g);
        }

        if (MyInvocation.BoundParameters.ContainsKey(nameof(MinimumDelay)))
        {
            options.MinimumDelay = MinimumDelay;
        }

        WriteVerboseStart($"measuring delays of {logs} log(s) by {string.Join(", ", GroupBy)}" +
                          (options.MinimumDelay is { } least ? $", messages delayed {least} or more" : string.Empty) + ".");
        Emit(() => MessageDelay.Run(MailLog.Read(request, null, Cancellation), options, Cancellation));
    }
}
