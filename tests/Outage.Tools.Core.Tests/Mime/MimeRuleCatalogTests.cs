using System.Text.RegularExpressions;
using Outage.Tools.Core;
using Outage.Tools.Core.Mime;
using Outage.Tools.Core.Operations;
using Xunit;

namespace Outage.Tools.Core.Tests.Mime;

public sealed class MimeRuleCatalogTests
{
    // The ids the MIME issue fixes as API; the catalogue may add more but never lose one.
    private static readonly string[] RequiredIds =
    {
        "line-bare-lf", "line-bare-cr", "line-too-long", "nul-byte", "8bit-header", "header-no-colon", "header-invalid-name",
        "header-leading-continuation", "header-body-separator-missing", "header-too-long", "header-count-excessive", "missing-from",
        "missing-date", "missing-message-id", "duplicate-header", "invalid-date", "invalid-address", "invalid-message-id",
        "encoded-word-invalid", "received-hop-count", "mbox-from-line", "mime-version-missing", "content-type-invalid",
        "multipart-no-boundary", "boundary-invalid", "boundary-not-found", "boundary-close-missing", "boundary-nested-conflict",
        "multipart-empty", "multipart-encoding-invalid", "cte-unknown", "base64-invalid", "qp-invalid", "8bit-in-7bit",
        "charset-unknown", "charset-decode-error", "nesting-too-deep", "parts-too-many", "rfc2231-invalid", "message-truncated",
        "size-limit",
    };

    [Fact]
    public void Catalogue_has_every_required_rule_once_with_a_reference()
    {
        var ids = MimeRuleCatalog.All.Select(r => r.Id).ToList();
        Assert.Empty(RequiredIds.Except(ids));
        Assert.Equal(ids.Count, ids.Distinct().Count());
        foreach (var rule in MimeRuleCatalog.All)
        {
            Assert.Matches(new Regex("^[a-z0-9]+(-[a-z0-9]+)*$"), rule.Id);
            Assert.False(string.IsNullOrWhiteSpace(rule.Description));
            Assert.Matches(new Regex(@"RFC \d+|Postfix"), rule.Reference);
        }
    }

    [Fact]
    public void Query_filters_by_wildcard_and_severity_and_reports_unknown_ids()
    {
        var request = new MimeRuleRequest { MinimumSeverity = MimeSeverity.Error };
        request.Ids.Add("boundary-*");
        request.Ids.Add("qp-invalid");
        request.Ids.Add("no-such-rule");
        var outcomes = MimeRuleQuery.Run(request).ToList();
        var results = outcomes.Where(o => o.Kind == OutcomeKind.Result).Select(o => o.Value!.Id).ToList();
        Assert.Equal(new[] { "boundary-invalid", "boundary-not-found", "boundary-close-missing", "boundary-nested-conflict" }, results);
        // qp-invalid exists but is a Warning rule: filtered, and not an error.
        var errors = outcomes.Where(o => o.Kind == OutcomeKind.Error).Select(o => o.Error!).ToList();
        var error = Assert.Single(errors);
        Assert.Equal(ErrorIds.MimeRuleNotFound, error.ErrorId);
        Assert.Equal(OutageErrorCategory.ObjectNotFound, error.Category);
        Assert.Equal("no-such-rule", error.Target);
    }

    [Theory]
    [InlineData("boundary-*", "boundary-close-missing", true)]
    [InlineData("BOUNDARY-*", "boundary-close-missing", true)]
    [InlineData("b?undary-not-found", "boundary-not-found", true)]
    [InlineData("[ab]oundary-*", "boundary-invalid", true)]
    [InlineData("line-*", "nul-byte", false)]
    [InlineData("`*", "*", true)]
    [InlineData("`*", "x", false)]
    public void Wildcards_follow_PowerShell(string pattern, string value, bool match) =>
        Assert.Equal(match, new Wildcard(pattern).IsMatch(value));
}
