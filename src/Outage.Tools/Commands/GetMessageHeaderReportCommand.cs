using System.Management.Automation;
using Outage.Tools.Core.Headers;
using Outage.Tools.Core.Mime;
using Outage.Tools.Core.Operations;

namespace Outage.Tools.Commands;

/// <summary>Get-MessageHeaderReport: what an administrator reads in a message header, as Message Header Analyzer shows it: the Received chain with its delays, the decoded anti-spam headers (SCL, SFV, CAT, BCL...) and the Authentication-Results per method.</summary>
[Cmdlet(VerbsCommon.Get, "MessageHeaderReport", DefaultParameterSetName = "Path", HelpUri = OutageCmdlet.HelpBase + "Get-MessageHeaderReport.md")]
[OutputType(typeof(MessageHeaderReport))]
public sealed class GetMessageHeaderReportCommand : MimeInputCmdlet
{
    protected override void ProcessRecord()
    {
        var inputs = new System.Collections.Generic.List<MimeInput>(Inputs());
        if (inputs.Count > 0)
        {
            Emit(() => MessageHeaderReports.Run(inputs, Cancellation));
        }
    }
}
