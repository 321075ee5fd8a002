using System.Text.RegularExpressions;
using Outage.Tools.Core.Mime;
using Xunit;
using static Outage.Tools.Core.Tests.Mime.MimeTestKit;

namespace Outage.Tools.Core.Tests.Mime;

/// <summary>
/// Differential test against a real peer: every defect Python's email package reports for the shared
/// malformed corpus (../shared/bench/mime/results/oracle.md, both policies) must be reported by us too, as
/// one of the rule ids it maps to; the controls must be clean; and every intended defect must be found.
/// </summary>
public sealed partial class DifferentialTests
{
    // Python defect class → our rule ids that cover it.
    private static readonly Dictionary<string, string[]> Map = new(StringComparer.Ordinal)
    {
        ["CloseBoundaryNotFoundDefect"] = new[] { "boundary-close-missing" },
        ["StartBoundaryNotFoundDefect"] = new[] { "boundary-not-found", "multipart-empty", "boundary-invalid" },
        ["MultipartInvariantViolationDefect"] = new[] { "boundary-not-found", "multipart-empty", "boundary-invalid", "multipart-no-boundary" },
        ["MissingHeaderBodySeparatorDefect"] = new[] { "header-no-colon", "header-body-separator-missing", "header-invalid-name", "line-bare-cr" },
        ["NonPrintableDefect"] = new[] { "nul-byte" },
        ["UndecodableBytesDefect"] = new[] { "8bit-header", "rfc2231-invalid" },
        ["InvalidBase64CharactersDefect"] = new[] { "base64-invalid", "encoded-word-invalid" },
        ["InvalidBase64PaddingDefect"] = new[] { "base64-invalid", "encoded-word-invalid" },
        ["InvalidBase64LengthDefect"] = new[] { "base64-invalid", "encoded-word-invalid" },
        ["CharsetError"] = new[] { "encoded-word-invalid", "charset-unknown" },
        ["InvalidHeaderDefect"] = new[] { "encoded-word-invalid", "content-type-invalid", "invalid-address" },
        ["FirstHeaderLineIsContinuationDefect"] = new[] { "header-leading-continuation" },
        ["MisplacedEnvelopeHeaderDefect"] = new[] { "mbox-from-line" },
        ["NoBoundaryInMultipartDefect"] = new[] { "multipart-no-boundary" },
        ["InvalidMultipartContentTransferEncodingDefect"] = new[] { "multipart-encoding-invalid" },
        ["InvalidDateDefect"] = new[] { "invalid-date" },
        ["LookupError"] = new[] { "charset-unknown" },
        ["KeyError"] = new[] { "boundary-not-found", "multipart-empty", "boundary-invalid", "multipart-no-boundary" },
    };

    // Files whose intended "defect" sits exactly at a default limit (100 levels, 10,000 parts): not over it.
    private static readonly HashSet<string> AtLimit = new(StringComparer.Ordinal) { "m36_nested_multipart_depth_100", "m37_multipart_10000_parts" };

    private static string SharedMime()
    {
        var dir = Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared", "bench", "mime"));
        if (!File.Exists(Path.Combine(dir, "results", "oracle.md")))
        {
            // CI and the dev machines have ../shared beside the repository; worktrees see it at /work/shared.
            var alt = "/work/shared/bench/mime";
            Assert.True(File.Exists(Path.Combine(alt, "results", "oracle.md")),
                $"The shared MIME corpus is missing: expected {dir}/results/oracle.md (the ../shared checkout beside the repository).");
            dir = alt;
        }

        return dir;
    }

    [GeneratedRegex(@"[A-Za-z0-9]+Defect|CharsetError|LookupError|KeyError")]
    private static partial Regex DefectName();

    [Fact]
    public void Every_defect_python_reports_is_reported_by_us()
    {
        var dir = SharedMime();
        var rows = File.ReadAllLines(Path.Combine(dir, "results", "oracle.md")).Where(l => l.StartsWith("| control", StringComparison.Ordinal) || l.StartsWith("| m", StringComparison.Ordinal)).ToList();
        Assert.True(rows.Count >= 50, "oracle.md has fewer rows than expected.");
        var problems = new List<string>();
        var checkedDefects = 0;
        foreach (var row in rows)
        {
            var cells = row.Split('|').Select(c => c.Trim()).ToArray();
            var file = cells[1];
            var bytes = File.ReadAllBytes(Path.Combine(dir, "malformed", file + ".eml"));
            var findings = Lint(bytes);
            var rules = findings.Select(f => f.Rule).ToHashSet();
            if (file.StartsWith("control", StringComparison.Ordinal))
            {
                if (findings.Count > 0)
                {
                    problems.Add($"{file}: control has findings: {Describe(findings)}");
                }

                continue;
            }

            if (!AtLimit.Contains(file) && !findings.Any(f => f.Severity >= MimeSeverity.Warning))
            {
                problems.Add($"{file}: intended defect '{cells[2]}' not found");
            }

            foreach (var python in new[] { cells[3], cells[4] })
            {
                foreach (Match m in DefectName().Matches(python))
                {
                    checkedDefects++;
                    if (!Map.TryGetValue(m.Value, out var ours))
                    {
                        problems.Add($"{file}: Python defect {m.Value} has no mapping");
                    }
                    else if (!ours.Any(rules.Contains))
                    {
                        problems.Add($"{file}: Python reports {m.Value}; we report none of {string.Join("/", ours)} (we have: {string.Join(",", rules)})");
                    }
                }
            }
        }

        Assert.True(checkedDefects > 30, "Too few Python defects parsed from oracle.md.");
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public void Limits_below_the_corpus_extremes_are_reported()
    {
        var dir = SharedMime();
        var deep = Lint(File.ReadAllBytes(Path.Combine(dir, "malformed", "m36_nested_multipart_depth_100.eml")), new MimeLintOptions { NestingLimit = 50 });
        Assert.Contains(deep, f => f.Rule == "nesting-too-deep");
        var many = Lint(File.ReadAllBytes(Path.Combine(dir, "malformed", "m37_multipart_10000_parts.eml")), new MimeLintOptions { PartsLimit = 5000 });
        Assert.Contains(many, f => f.Rule == "parts-too-many");
    }
}
