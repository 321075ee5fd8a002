using System;
using System.Collections.Generic;
using System.Linq;
using Outage.Tools.Core.Operations;

namespace Outage.Tools.Core.Mime;

/// <summary>A request for rules of the catalogue.</summary>
public sealed class MimeRuleRequest
{
    /// <summary>Rule ids or wildcard patterns; empty means every rule.</summary>
    public IList<string> Ids { get; } = new List<string>();

    /// <summary>Only rules whose default severity is at least this.</summary>
    public MimeSeverity MinimumSeverity { get; set; } = MimeSeverity.Info;
}

/// <summary>Lists the rule catalogue (Get-MimeRule, <c>outage mime rules</c>).</summary>
public static class MimeRuleQuery
{
    public static IEnumerable<Outcome<MimeRule>> Run(MimeRuleRequest request)
    {
        if (request is null)
        {
            throw new ArgumentNullException(nameof(request));
        }

        var patterns = request.Ids.Select(id => new Wildcard(id)).ToList();
        foreach (var rule in MimeRuleCatalog.All)
        {
            if (rule.DefaultSeverity < request.MinimumSeverity)
            {
                continue;
            }

            if (patterns.Count == 0 || patterns.Any(p => p.IsMatch(rule.Id)))
            {
                yield return Outcome<MimeRule>.Success(rule);
            }
        }

        // A plain id that names no rule is an error for that id, as Get-Command does for a missing name.
        foreach (var pattern in patterns.Where(p => !p.HasWildcard && MimeRuleCatalog.Find(p.Pattern) is null))
        {
            yield return Outcome<MimeRule>.Failure(new ItemError(ErrorIds.MimeRuleNotFound, OutageErrorCategory.ObjectNotFound,
                $"There is no MIME rule with the id '{pattern.Pattern}'.", pattern.Pattern,
                "Run Get-MimeRule (or 'outage mime rules') to list the rule ids."));
        }
    }
}
