using System.Collections.Generic;
using System.Management.Automation;
using Outage.Tools.Core.Queue;

namespace Outage.Tools.Commands;

/// <summary>Remove-MailQueueMessage: the named messages are deleted (Postfix postsuper, Exim exim -M...); no other message is touched.</summary>
[Cmdlet(VerbsCommon.Remove, "MailQueueMessage", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(QueueActionResult))]
public sealed class RemoveMailQueueMessageCommand : QueueMessageActionCmdlet
{
    private readonly List<QueueMessage> _approved = new();

    protected override void ProcessRecord()
    {
        foreach (var m in Message)
        {
            if (ShouldProcess(m.ContentName, "Delete"))
            {
                _approved.Add(m);
            }
        }
    }

    protected override void EndProcessing()
    {
        foreach (var o in QueueActions.Apply(_approved, QueueAction.Delete, Cancellation))
        {
            if (o.Kind == Core.Operations.OutcomeKind.Result && !PassThru.IsPresent)
            {
                continue;
            }

            Emit(new[] { o });
        }
    }
}
