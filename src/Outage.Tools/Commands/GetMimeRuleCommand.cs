using System.Management.Automation;
using Outage.Tools.Core.Mime;

namespace Outage.Tools.Commands;

/// <summary>Get-MimeRule: lists the MIME rule catalogue, so users can see and filter what Test-MimeMessage checks.</summary>
[Cmdlet(VerbsCommon.Get, "MimeRule", HelpUri = OutageCmdlet.HelpBase + "Get-MimeRule.md")]
[OutputType(typeof(MimeRule))]
public sealed class GetMimeRuleCommand : OutageCmdlet
{
    /// <summary>Rule ids or wildcard patterns.</summary>
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("Rule", "Name")]
    [ArgumentCompleter(typeof(MimeRuleIdCompleter))]
    [ValidateNotNullOrEmpty]
    [SupportsWildcards]
    public string[]? Id { get; set; }

    /// <summary>Only rules whose default severity is at least this.</summary>
    [Parameter]
    public MimeSeverity MinimumSeverity { get; set; } = MimeSeverity.Info;

    protected override void ProcessRecord()
    {
        var request = new MimeRuleRequest { MinimumSeverity = MinimumSeverity };
        foreach (var id in Id ?? System.Array.Empty<string>())
        {
            request.Ids.Add(id);
        }

        Emit(() => MimeRuleQuery.Run(request));
    }
}
