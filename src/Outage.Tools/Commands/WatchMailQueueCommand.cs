using System;
using System.Management.Automation;
using Outage.Tools.Core.Queue;

namespace Outage.Tools.Commands;

/// <summary>Watch-MailQueue: samples the queue and reports its trend.</summary>
[Cmdlet(VerbsCommon.Watch, "MailQueue", HelpUri = OutageCmdlet.HelpBase + "Watch-MailQueue.md", DefaultParameterSetName = PostfixSet, SupportsShouldProcess = true)]
[OutputType(typeof(QueueSample))]
public sealed class WatchMailQueueCommand : QueueSourceCmdlet
{
    /// <summary>Time between samples (1s to 1d; a number is seconds).</summary>
    [Parameter]
    [TimeSpanTransformation]
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Number of samples.</summary>
    [Parameter]
    [ValidateRange(1, 1000000)]
    public int Count { get; set; }

    /// <summary>Keep sampling for this long.</summary>
    [Parameter]
    [TimeSpanTransformation]
    public TimeSpan Duration { get; set; }

    /// <summary>JSON Lines file of earlier samples; new ones are appended.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? HistoryPath { get; set; }

    /// <summary>Only these queues, wildcards.</summary>
    [Parameter]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(QueueNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string[]? Queue { get; set; }

    protected override void BeginProcessing()
    {
        // Checked before the first sample, each with its own error id.
        RequireDuration(nameof(Interval), Interval, TimeSpan.FromSeconds(1), TimeSpan.FromDays(1), Core.ErrorIds.QueueWatchIntervalInvalid);
        if (MyInvocation.BoundParameters.ContainsKey(nameof(Duration)))
        {
            RequireDuration(nameof(Duration), Duration, TimeSpan.FromSeconds(1), TimeSpan.FromDays(366), Core.ErrorIds.QueueWatchDurationInvalid);
        }
    }

    protected override void EndProcessing()
    {
        var options = new QueueWatchOptions
        {
            Interval = Interval,
            Count = MyInvocation.BoundParameters.ContainsKey(nameof(Count)) ? Count : null,
            Duration = MyInvocation.BoundParameters.ContainsKey(nameof(Duration)) ? Duration : null,
            HistoryPath = HistoryPath is null ? null : GetUnresolvedProviderPathFromPSPath(HistoryPath),
        };
        foreach (var q in Queue ?? Array.Empty<string>())
        {
            options.Filter.Queue.Add(q);
        }

        // -WhatIf: samples are taken (reading the queue), the history file and its folders are not created or appended.
        options.WriteHistory = options.HistoryPath is null || ShouldProcess(options.HistoryPath, "Append the queue samples to the history file");

        var source = SourceOptions();
        WriteVerbose($"{MyInvocation.MyCommand.Name}: sampling {Describe(source)} every {Core.Operations.Duration.Format(Interval)}");
        Emit(() => QueueWatch.Run(() => QueueSource.ReadMessages(source, Cancellation), options, Cancellation));
    }
}
