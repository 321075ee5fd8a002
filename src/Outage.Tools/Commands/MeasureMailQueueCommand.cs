using System;
using System.Linq;
using System.Management.Automation;
using Outage.Tools.Core.Queue;

namespace Outage.Tools.Commands;

/// <summary>Measure-MailQueue: the qshape matrix (age buckets by domain, reason, queue or next hop).</summary>
[Cmdlet(VerbsDiagnostic.Measure, "MailQueue", HelpUri = OutageCmdlet.HelpBase + "Measure-MailQueue.md", DefaultParameterSetName = PostfixSet)]
[OutputType(typeof(QueueShapeRow))]
public sealed class MeasureMailQueueCommand : QueuePipelineCmdlet
{
    /// <summary>What the rows are.</summary>
    [Parameter(Position = 0)]
    public QueueShapeGroupBy GroupBy { get; set; } = QueueShapeGroupBy.RecipientDomain;

    /// <summary>Only these queues (qshape's queue arguments), wildcards; default every queue.</summary>
    [Parameter]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(QueueNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string[]? Queue { get; set; }

    /// <summary>The first bucket's upper age (qshape -t), whole minutes: 5m, 1h, 00:10:00.</summary>
    [Parameter]
    [TimeSpanTransformation]
    public TimeSpan BucketWidth { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The number of buckets (qshape -b).</summary>
    [Parameter]
    [ValidateRange(1, 100)]
    public int BucketCount { get; set; } = 10;

    /// <summary>Linear buckets (qshape -l).</summary>
    [Parameter]
    public SwitchParameter Linear { get; set; }

    protected override void BeginProcessing()
    {
        RequireDuration(nameof(BucketWidth), BucketWidth, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1000000), Core.ErrorIds.QueueBucketWidthInvalid);
        if (BucketWidth.Ticks % TimeSpan.TicksPerMinute != 0)
        {
            ThrowArgumentError(Core.ErrorIds.QueueBucketWidthInvalid, $"-BucketWidth {Core.Operations.Duration.Format(BucketWidth)} is not a whole number of minutes (qshape buckets are minutes).",
                BucketWidth, "Give -BucketWidth in whole minutes: 5m, 10m, 1h.");
        }
    }

    protected override void ProcessRecord() => CollectInput();

    protected override void EndProcessing()
    {
        var filter = new QueueMessageFilter();
        foreach (var q in Queue ?? System.Array.Empty<string>())
        {
            filter.Queue.Add(q);
        }

        var options = new QueueShapeOptions { GroupBy = GroupBy, BucketMinutes = (int)BucketWidth.TotalMinutes, BucketCount = BucketCount, Linear = Linear.IsPresent };
        Emit(() => QueueOperations.Shape(QueueOperations.GetMessages(Messages(), filter, Cancellation), options, Cancellation));
    }
}
