using System.Collections.Generic;
using System.Management.Automation;
using Outage.Tools.Core.Queue;

namespace Outage.Tools.Commands;

/// <summary>Resume-MailQueueMessage: the named messages are released from hold (Postfix postsuper, Exim exim -M...); no other message is touched.</summary>
[Cmdlet(VerbsLifecycle.Resume, "MailQueueMessage", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(QueueActionResult))]
public sealed class ResumeMailQueueMessageCommand : QueueMessageActionCmdlet
{
    private readonly List<QueueMessage> _approved = new();

    protected override void ProcessRecord()
    {
        foreach (var m in Message)
        {
            if (ShouldProcess(m.ContentName, "Release"))
            {
                _approved.Add(m);
            }
        }
    }

    protected override void EndProcessing()
    {
        foreach (var o in QueueActions.Apply(_approved, QueueAction.Release, Cancellation))
        {
            if (o.Kind == Core.Operations.OutcomeKind.Result && !PassThru.IsPresent)
            {
                continue;
            }

            Emit(new[] { o });
        }
    }
}
