using System.Linq;
using System.Management.Automation;
using Outage.Tools.Core.Operations;
using Outage.Tools.Core.Queue;

namespace Outage.Tools.Commands;

/// <summary>Get-MailQueue: one summary per queue.</summary>
[Cmdlet(VerbsCommon.Get, "MailQueue")]
[OutputType(typeof(MailQueueSummary))]
public sealed class GetMailQueueCommand : QueueSourceCmdlet
{
    /// <summary>Only these queues, wildcards.</summary>
    [Parameter(Position = 0)]
    [ValidateNotNullOrEmpty]
    public string[]? Queue { get; set; }

    protected override void ProcessRecord() => CollectInput();

    protected override void EndProcessing()
    {
        var patterns = (Queue ?? System.Array.Empty<string>()).Select(q => new Wildcard(q)).ToList();
        bool Wanted(string name) => patterns.Count == 0 || patterns.Any(p => p.IsMatch(name));
        foreach (var q in PipedQueues.Where(q => Wanted(q.Queue)))
        {
            WriteObject(q);
        }

        if (HasPipelineInput && PipedMessages.Count == 0)
        {
            return;
        }

        var options = SourceOptions();
        if (!HasPipelineInput && options.Kind == QueueSourceKind.Exchange && QueueSource.IsExchangeQueueFile(options, Cancellation))
        {
            Emit(() => QueueSource.ReadExchangeQueues(options, Cancellation).Where(o => o.Kind != OutcomeKind.Result || Wanted(o.Value!.Queue)));
            return;
        }

        Emit(() => QueueOperations.Summarize(Messages()).Where(o => o.Kind != OutcomeKind.Result || Wanted(o.Value!.Queue)));
    }
}
