using System.Linq;
using System.Management.Automation;
using Outage.Tools.Core.Operations;
using Outage.Tools.Core.Queue;

namespace Outage.Tools.Commands;

/// <summary>Get-MailQueue: one summary per queue.</summary>
[Cmdlet(VerbsCommon.Get, "MailQueue", HelpUri = OutageCmdlet.HelpBase + "Get-MailQueue.md", DefaultParameterSetName = PostfixSet)]
[OutputType(typeof(MailQueueSummary))]
public sealed class GetMailQueueCommand : QueuePipelineCmdlet
{
    /// <summary>Only these queues, wildcards.</summary>
    [Parameter(Position = 0)]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(QueueNameCompleter))]
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

        // Saved Exchange Get-Queue files (given with -Path or piped from Get-ChildItem) are queue summaries already.
        var files = HasPipelineInput ? PipedPaths.Select(p => OptionsForPath(p, Format)).ToList() : new System.Collections.Generic.List<QueueSourceOptions>();
        if (!HasPipelineInput)
        {
            files.Add(SourceOptions());
        }

        var queueFiles = files.Where(o => o.Kind == QueueSourceKind.Exchange && QueueSource.IsExchangeQueueFile(o, Cancellation)).ToList();
        foreach (var options in queueFiles)
        {
            WriteVerbose($"{MyInvocation.MyCommand.Name}: reading {Describe(options)}");
            Emit(() => QueueSource.ReadExchangeQueues(options, Cancellation).Where(o => o.Kind != OutcomeKind.Result || Wanted(o.Value!.Queue)));
        }

        var rest = files.Except(queueFiles).ToList();
        if (HasPipelineInput ? PipedMessages.Count + rest.Count == 0 : rest.Count == 0)
        {
            return;
        }

        var messages = HasPipelineInput
            ? PipedMessages.Select(Outcome<QueueMessage>.Success).Concat(rest.SelectMany(ReadLogged))
            : ReadLogged(rest[0]);
        Emit(() => QueueOperations.Summarize(messages).Where(o => o.Kind != OutcomeKind.Result || Wanted(o.Value!.Queue)));
    }
}
