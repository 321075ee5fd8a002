using System.Management.Automation;
using Outage.Tools.Core.Logs;

namespace Outage.Tools.Commands;

/// <summary>Get-MailLogEvent: typed events from Postfix, Exim and Exchange message tracking logs, streamed.</summary>
[Cmdlet(VerbsCommon.Get, "MailLogEvent", DefaultParameterSetName = "Path", HelpUri = OutageCmdlet.HelpBase + "Get-MailLogEvent.md")]
[OutputType(typeof(MailLogEvent))]
public sealed class GetMailLogEventCommand : MailLogCmdlet
{
    protected override void ProcessRecord()
    {
        var request = NewRequest();
        foreach (var input in Inputs())
        {
            request.Inputs.Add(input);
        }

        if (request.Inputs.Count > 0)
        {
            Emit(() => MailLog.Read(request, null, Cancellation));
        }
    }
}
