using System.Collections.Generic;
using System.Management.Automation;
using Outage.Tools.Core.Mime;
using Outage.Tools.Core.Operations;

namespace Outage.Tools;

/// <summary>
/// The message inputs shared by the MIME cmdlets (Test-MimeMessage, Get-MimeStructure, Get-MessageHop,
/// Get-MessageHeaderReport): files or
/// folders by -Path (wildcards) or -LiteralPath, the raw message by -Content, or a message that can be read on
/// demand (a queued message) by -InputObject, each in its own parameter set. <see cref="Inputs"/> turns the bound
/// set into Core inputs, writing a non-terminating error per path that cannot be used.
/// </summary>
[ParametersFirstInHelp]
public abstract class MimeInputCmdlet : OutageCmdlet
{
    /// <summary>Files or folders; wildcards allowed.</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = "Path", ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("FullName")]
    [ValidateNotNullOrEmpty]
    [SupportsWildcards]
    public string[]? Path { get; set; }

    /// <summary>Files or folders, taken literally (no wildcards).</summary>
    [Parameter(Mandatory = true, ParameterSetName = "LiteralPath", ValueFromPipelineByPropertyName = true)]
    [Alias("PSPath", "LP")]
    [ValidateNotNullOrEmpty]
    public string[]? LiteralPath { get; set; }

    /// <summary>The raw message: a byte array or a string.</summary>
    [Parameter(Mandatory = true, ParameterSetName = "Content", ValueFromPipeline = true)]
    [MimeContentTransformation]
    [ValidateNotNull]
    public byte[]? Content { get; set; }

    /// <summary>A message that can be read on demand, such as a queued message from Get-MailQueueMessage.</summary>
    [Parameter(Mandatory = true, ParameterSetName = "InputObject", ValueFromPipeline = true)]
    [ValidateNotNull]
    public IMessageContent? InputObject { get; set; }

    /// <summary>The inputs of the current record, from whichever parameter set was bound.</summary>
    protected IEnumerable<MimeInput> Inputs() => MimeCmdletInputs.Resolve(this, ParameterSetName, Path, LiteralPath, Content, InputObject);
}

/// <summary>
/// Marks a cmdlet base class whose parameters are the command's main input: the help generator
/// (tools/Outage.Tools.HelpGen) lists them before the parameters of the derived cmdlet.
/// </summary>
[System.AttributeUsage(System.AttributeTargets.Class, Inherited = false)]
internal sealed class ParametersFirstInHelpAttribute : System.Attribute
{
}
