using System.Management.Automation;
using Outage.Tools.Core.Queue;

namespace Outage.Tools.Commands;

/// <summary>Suspend-MailQueueMessage: the named messages are placed on hold (Postfix postsuper, Exim exim -M...); no other message is touched.</summary>
[Cmdlet(VerbsLifecycle.Suspend, "MailQueueMessage", HelpUri = OutageCmdlet.HelpBase + "Suspend-MailQueueMessage.md", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = MessageSet)]
[OutputType(typeof(QueueActionResult))]
public sealed class SuspendMailQueueMessageCommand : QueueStateActionCmdlet
{
    protected override QueueAction Action => QueueAction.Hold;

    protected override string ActionText => "Hold";
}
