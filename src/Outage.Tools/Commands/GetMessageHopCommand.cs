using System.Management.Automation;
using Outage.Tools.Core.Headers;
using Outage.Tools.Core.Mime;
using Outage.Tools.Core.Operations;

namespace Outage.Tools.Commands;

/// <summary>Get-MessageHop: the Received chain of messages, oldest hop first, with the delay of each hop.</summary>
[Cmdlet(VerbsCommon.Get, "MessageHop", DefaultParameterSetName = "Path", HelpUri = OutageCmdlet.HelpBase + "Get-MessageHop.md")]
[OutputType(typeof(ReceivedHop))]
public sealed class GetMessageHopCommand : MimeInputCmdlet
{
    protected override void ProcessRecord()
    {
        var inputs = new System.Collections.Generic.List<MimeInput>(Inputs());
        if (inputs.Count > 0)
        {
            Emit(() => MessageHops.Run(inputs, Cancellation));
        }
    }
}
