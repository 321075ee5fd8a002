using System.Management.Automation;
using Outage.Tools.Core.Mime;
using Outage.Tools.Core.Operations;

namespace Outage.Tools.Commands;

/// <summary>Get-MimeStructure: the part tree of messages (part path, type, encoding, offsets, sizes).</summary>
[Cmdlet(VerbsCommon.Get, "MimeStructure", HelpUri = OutageCmdlet.HelpBase + "Get-MimeStructure.md", DefaultParameterSetName = "Path")]
[OutputType(typeof(MimePartInfo))]
public sealed class GetMimeStructureCommand : MimeInputCmdlet
{
    protected override void ProcessRecord()
    {
        var request = new MimeStructureRequest();
        foreach (var input in Inputs())
        {
            request.Inputs.Add(input);
        }

        if (request.Inputs.Count > 0)
        {
            Emit(() => MimeStructure.Run(request, null, Cancellation));
        }
    }
}
