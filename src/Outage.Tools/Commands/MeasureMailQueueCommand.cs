using System.Linq;
using System.Management.Automation;
using Outage.Tools.Core.Queue;

namespace Outage.Tools.Commands;

/// <summary>Measure-MailQueue: the qshape matrix (age buckets by domain, reason, queue or next hop).</summary>
[Cmdlet(VerbsDiagnostic.Measure, "MailQueue")]
[OutputType(typeof(QueueShapeRow))]
public sealed class MeasureMailQueueCommand : QueueSourceCmdlet
{
    /// <summary>What the rows are.</summary>
    [Parameter(Position = 0)]
    public QueueShapeGroupBy GroupBy { get; set; } = QueueShapeGroupBy.RecipientDomain;

    /// <summary>Only these queues (qshape's queue arguments), wildcards; default every queue.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? Queue { get; set; }

    /// <summary>The first bucket's upper age in minutes (qshape -t).</summary>
    [Parameter]
    [ValidateRange(1, 1000000)]
    public int BucketMinutes { get; set; } = 5;

    /// <summary>The number of buckets (qshape -b).</summary>
    [Parameter]
    [ValidateRange(1, 100)]
    public int BucketCount { get; set; } = 10;

    /// <summary>Linear buckets (qshape -l).</summary>
    [Parameter]
    public SwitchParameter Linear { get; set; }

    protected override void ProcessRecord() => CollectInput();

    protected override void EndProcessing()
    {
        var filter = new QueueMessageFilter();
        foreach (var q in Queue ?? System.Array.Empty<string>())
        {
            filter.Queue.Add(q);
        }

        var options = new QueueShapeOptions { GroupBy = GroupBy, BucketMinutes = BucketMinutes, BucketCount = BucketCount, Linear = Linear.IsPresent };
        Emit(() => QueueOperations.Shape(QueueOperations.GetMessages(Messages(), filter, Cancellation), options, Cancellation));
    }
}
