using System.Management.Automation;
using Outage.Tools.Core.Headers;
using Outage.Tools.Core.Mime;
using Outage.Tools.Core.Operations;

namespace Outage.Tools.Commands;

/// <summary>Get-MessageHeaderReport: what an administrator reads in a message header, as Message Header Analyzer shows it: the Received chain with its delays, the decoded anti-spam headers (SCL, SFV, CAT, BCL...) and the Authentication-Results per method.</summary>
[Cmdlet(VerbsCommon.Get, "MessageHeaderReport", DefaultParameterSetName = "Path", HelpUri = OutageCmdlet.HelpBase + "Get-MessageHeaderReport.md")]
[OutputType(typeof(MessageHeaderReport))]
public sealed class GetMessageHeaderReportCommand : OutageCmdlet
{
    /// <summary>Message files; wildcards allowed.</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = "Path", ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("FullName")]
    [ValidateNotNullOrEmpty]
    public string[]? Path { get; set; }

    /// <summary>Message files, taken literally.</summary>
    [Parameter(Mandatory = true, ParameterSetName = "LiteralPath", ValueFromPipelineByPropertyName = true)]
    [Alias("PSPath", "LP")]
    [ValidateNotNullOrEmpty]
    public string[]? LiteralPath { get; set; }

    /// <summary>The raw message (or its header section): a byte array or a string.</summary>
    [Parameter(Mandatory = true, ParameterSetName = "Content", ValueFromPipeline = true)]
    [MimeContentTransformation]
    [ValidateNotNull]
    public byte[]? Content { get; set; }

    /// <summary>A message that can be read on demand, such as a queued message.</summary>
    [Parameter(Mandatory = true, ParameterSetName = "InputObject", ValueFromPipeline = true)]
    [ValidateNotNull]
    public IMessageContent? InputObject { get; set; }

    protected override void ProcessRecord()
    {
        var inputs = new System.Collections.Generic.List<MimeInput>(MimeCmdletInputs.Resolve(this, ParameterSetName, Path, LiteralPath, Content, InputObject));
        if (inputs.Count > 0)
        {
            Emit(() => MessageHeaderReports.Run(inputs, Cancellation));
        }
    }
}
