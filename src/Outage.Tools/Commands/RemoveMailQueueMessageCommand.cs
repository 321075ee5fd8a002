using System.Management.Automation;
using Outage.Tools.Core.Queue;

namespace Outage.Tools.Commands;

/// <summary>Remove-MailQueueMessage: the named messages are deleted (Postfix postsuper, Exim exim -M...); no other message is touched.</summary>
[Cmdlet(VerbsCommon.Remove, "MailQueueMessage", HelpUri = OutageCmdlet.HelpBase + "Remove-MailQueueMessage.md", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High, DefaultParameterSetName = MessageSet)]
[OutputType(typeof(QueueActionResult))]
public sealed class RemoveMailQueueMessageCommand : QueueStateActionCmdlet
{
    protected override QueueAction Action => QueueAction.Delete;

    protected override string ActionText => "Delete";
}
