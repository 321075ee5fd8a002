using System.Collections;
using System.Collections.Generic;
using System.Management.Automation;
using System.Management.Automation.Language;
using Outage.Tools.Core.Mime;
using Outage.Tools.Core.Operations;

namespace Outage.Tools;

/// <summary>Tab completion of the built-in verdict profiles for -Profile (a profile file path is typed as a path).</summary>
public sealed class MimeProfileCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var typed = (wordToComplete ?? string.Empty).Trim('\'', '"');
        var pattern = new Wildcard(Wildcard.ContainsWildcard(typed) ? typed : typed + "*");
        foreach (var name in MimeProfile.BuiltIn)
        {
            if (pattern.IsMatch(name))
            {
                yield return new CompletionResult(name, name, CompletionResultType.ParameterValue, $"The {name} verdict profile.");
            }
        }
    }
}
