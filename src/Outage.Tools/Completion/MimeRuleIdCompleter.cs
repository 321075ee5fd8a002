using System.Collections;
using System.Collections.Generic;
using System.Management.Automation;
using System.Management.Automation.Language;
using Outage.Tools.Core.Mime;
using Outage.Tools.Core.Operations;

namespace Outage.Tools;

/// <summary>Tab completion of MIME rule ids for -Id, -Rule and -ExcludeRule.</summary>
public sealed class MimeRuleIdCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var pattern = CompletionPattern.For(wordToComplete);
        foreach (var rule in MimeRuleCatalog.All)
        {
            if (pattern.IsMatch(rule.Id))
            {
                yield return new CompletionResult(rule.Id, rule.Id, CompletionResultType.ParameterValue, rule.Description);
            }
        }
    }
}
