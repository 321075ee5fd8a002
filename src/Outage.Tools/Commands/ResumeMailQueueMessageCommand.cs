using System.Management.Automation;
using Outage.Tools.Core.Queue;

namespace Outage.Tools.Commands;

/// <summary>Resume-MailQueueMessage: the named messages are released from hold (Postfix postsuper, Exim exim -M...); no other message is touched.</summary>
[Cmdlet(VerbsLifecycle.Resume, "MailQueueMessage", HelpUri = OutageCmdlet.HelpBase + "Resume-MailQueueMessage.md", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = MessageSet)]
[OutputType(typeof(QueueActionResult))]
public sealed class ResumeMailQueueMessageCommand : QueueStateActionCmdlet
{
    protected override QueueAction Action => QueueAction.Release;

    protected override string ActionText => "Release";
}
