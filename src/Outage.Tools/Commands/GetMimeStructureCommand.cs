using System.Management.Automation;
using Outage.Tools.Core.Mime;
using Outage.Tools.Core.Operations;

namespace Outage.Tools.Commands;

/// <summary>Get-MimeStructure: the part tree of messages (part path, type, encoding, offsets, sizes).</summary>
[Cmdlet(VerbsCommon.Get, "MimeStructure", HelpUri = OutageCmdlet.HelpBase + "Get-MimeStructure.md", DefaultParameterSetName = "Path")]
[OutputType(typeof(MimePartInfo))]
public sealed class GetMimeStructureCommand : OutageCmdlet
{
    /// <summary>Message files; wildcards allowed.</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = "Path", ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("FullName")]
    [ValidateNotNullOrEmpty]
    [SupportsWildcards]
    public string[]? Path { get; set; }

    /// <summary>Message files, taken literally.</summary>
    [Parameter(Mandatory = true, ParameterSetName = "LiteralPath", ValueFromPipelineByPropertyName = true)]
    [Alias("PSPath", "LP")]
    [ValidateNotNullOrEmpty]
    public string[]? LiteralPath { get; set; }

    /// <summary>The raw message: a byte array or a string.</summary>
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
        var request = new MimeStructureRequest();
        foreach (var input in MimeCmdletInputs.Resolve(this, ParameterSetName, Path, LiteralPath, Content, InputObject))
        {
            request.Inputs.Add(input);
        }

        if (request.Inputs.Count > 0)
        {
            Emit(() => MimeStructure.Run(request, null, Cancellation));
        }
    }
}
