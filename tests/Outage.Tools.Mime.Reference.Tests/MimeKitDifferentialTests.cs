using System.Text;
using Xunit;
using Xunit.Abstractions;

namespace Outage.Tools.Mime.Reference.Tests;

/// <summary>
/// MimeKit 4.18.2 (test-only) as a differential oracle of the part tree: over every fixture, the shared
/// real-world corpus, the shared malformed set and a slice of the generated benchmark corpora, our tree (type,
/// header start, body start, end, depth, order) must equal MimeKit's after the normalisations of <see cref="Compare"/>.
/// </summary>
public sealed class MimeKitDifferentialTests
{
    private readonly ITestOutputHelper _out;

    private readonly HashSet<string> _used = new(StringComparer.Ordinal);

    public MimeKitDifferentialTests(ITestOutputHelper output) => _out = output;

    /// <summary>
    /// The first difference between the trees, or null. Normalisations: (1) MimeKit's message and the entity its
    /// header introduces are one node (<see cref="MimeKitTree"/>); (2) MimeKit ends a part before the line break
    /// that precedes the next delimiter line, we end it at the delimiter line: an end that differs by exactly that
    /// CRLF or LF is equal; (3) content lines are not compared (MimeKit counts content lines only); (4) an empty
    /// body, or none (a header section the next delimiter cuts off): MimeKit places it at the part's end.
    /// </summary>
    public static string? Compare(byte[] bytes, IReadOnlyList<TreeNode> ours, IReadOnlyList<TreeNode> theirs)
    {
        for (var i = 0; i < Math.Max(ours.Count, theirs.Count); i++)
        {
            if (i >= ours.Count || i >= theirs.Count)
            {
                return $"node {i}: {(i < ours.Count ? "ours " + ours[i] : "MimeKit " + theirs[i])} has no counterpart ({ours.Count} vs {theirs.Count} nodes)";
            }

            var a = ours[i];
            var b = theirs[i];
            // (4) A header section that never ended (we say body -1) or an empty body: MimeKit puts the body, empty,
            // at its end of the part, before the line break (as in 2).
            var bodySame = a.BodyStart == b.BodyStart
                || (b.BodyStart == b.End && (a.BodyStart < 0 || a.BodyStart == a.End) && SameEnd(bytes, a.End, b.End));
            if (a.Type != b.Type || a.Depth != b.Depth || a.HeaderStart != b.HeaderStart || !bodySame || !SameEnd(bytes, a.End, b.End))
            {
                return $"node {i}: ours {a} | MimeKit {b}";
            }
        }

        return null;
    }

    private static bool SameEnd(byte[] bytes, long ours, long theirs) =>
        ours == theirs
        || (ours == theirs + 1 && theirs < bytes.Length && bytes[theirs] == '\n')
        || (ours == theirs + 2 && theirs + 1 < bytes.Length && bytes[theirs] == '\r' && bytes[theirs + 1] == '\n');

    /// <summary>
    /// Disagreements allowed by name, each with its reason. Anything else must be a documented normalisation, the
    /// RFC 2045 §5.2 default below, or a message whose verdict is Poison (the disagreement is the evidence).
    /// </summary>
    private static readonly Dictionary<string, string> Allowed = new(StringComparer.Ordinal)
    {
        ["resources__eml__malformed__000.eml"] = "a part header the input ends in without an empty line: MimeKit puts the rest in the body, we keep it as header (message-truncated).",
        ["test__fixtures__decoderended.eml"] = "an embedded message whose header the input ends in (message-truncated): we keep an empty inner node, MimeKit none.",
        ["Lib__test__test_email__data__msg_36.txt"] = "message/external-body (RFC 2046 §5.2.3): MimeKit and Python parse its phantom header as a message, we as a leaf; no content is hidden or read differently (ReferenceParserTests.ExternalBody_PhantomHeader_IsAMessageToPythonAndMimeKit_AndNoContentIsLost).",
        ["resources__eml__rfc__001.eml"] = "message/external-body, as msg_36.txt.",
    };

    /// <summary>True when the trees differ only in leaf types that RFC 2045 §5.2 makes text/plain (an invalid Content-Type) and MimeKit application/octet-stream.</summary>
    private static bool OnlyDefaultType(byte[] bytes, IReadOnlyList<TreeNode> ours, IReadOnlyList<TreeNode> theirs) =>
        ours.Count == theirs.Count && ours.Zip(theirs).All(p => Compare(bytes, new[] { p.First with { Type = p.Second.Type } }, new[] { p.Second }) is null
            && (p.First.Type == p.Second.Type || (p.First.Type == "text/plain" && p.Second.Type == "application/octet-stream")));

    private (int Files, List<string> Disagreements, List<string> Unexplained) Run(IEnumerable<string> files)
    {
        var list = new List<string>();
        var unexplained = new List<string>();
        var n = 0;
        foreach (var f in files)
        {
            n++;
            var bytes = File.ReadAllBytes(f);
            var (theirs, error) = MimeKitTree.Read(bytes);
            var ours = Inputs.Ours(bytes);
            var diff = error is not null ? "MimeKit refuses it: " + error : Compare(bytes, ours, theirs);
            if (diff is not null)
            {
                var verdict = Outage.Tools.Core.Mime.MimeLint.LintStream(new MemoryStream(bytes), f, false).Single().Verdict;
                string? why = null;
                if (error is null && OnlyDefaultType(bytes, ours, theirs))
                {
                    why = "allowed: invalid Content-Type, RFC 2045 §5.2 text/plain vs MimeKit application/octet-stream (same tree)";
                }
                else if (verdict == Outage.Tools.Core.Mime.MimeVerdict.Poison)
                {
                    why = "evidence: the verdict is Poison";
                }
                else if (Allowed.TryGetValue(Path.GetFileName(f), out var reason))
                {
                    _used.Add(Path.GetFileName(f));
                    why = "allowed: " + reason;
                }

                if (why is null)
                {
                    unexplained.Add($"{Path.GetFileName(f)}: {diff}");
                }

                diff += " => " + (why ?? "UNEXPLAINED");
                var report = Outage.Tools.Core.Mime.MimeLint.LintStream(new MemoryStream(bytes), f, false).Single();
                list.Add($"{Path.GetFileName(Path.GetDirectoryName(f))}/{Path.GetFileName(f)}: [{report.Verdict}: {string.Join(",", report.Findings.Where(x => x.Poison || x.Severity == Outage.Tools.Core.Mime.MimeSeverity.Error).Select(x => (x.Poison ? "P:" : "") + x.Rule).Distinct())}] {diff}");
            }
        }

        return (n, list, unexplained);
    }

    [Fact]
    public void Fixtures_and_generated_corpora_give_the_same_tree_as_MimeKit()
    {
        foreach (var (name, files) in new[] { ("fixtures", Inputs.Fixtures()), ("generated", Inputs.Generated()) })
        {
            var (count, d, _) = Run(files);
            _out.WriteLine($"{name}: {count} files, {d.Count} disagreements");
            Assert.True(count > 5, $"{name}: only {count} files.");
            Assert.True(d.Count == 0, $"{name}: our part tree differs from MimeKit's:\n{string.Join("\n", d)}");
        }
    }

    [Fact]
    public void Every_disagreement_on_real_and_malformed_mail_is_explained()
    {
        var all = new List<string>();
        foreach (var (name, files) in new[] { ("real-world", Inputs.RealWorld()), ("bench-malformed", Inputs.BenchMalformed()) })
        {
            var (count, d, u) = Run(files);
            _out.WriteLine($"{name}: {count} files, {d.Count} disagreements, {u.Count} unexplained");
            foreach (var x in d)
            {
                _out.WriteLine("  " + x);
            }

            Assert.True(count > 50, $"{name}: only {count} files.");
            all.AddRange(u);
        }

        Assert.True(all.Count == 0, "Disagreements with MimeKit that are neither normalised, nor Poison, nor listed with a reason:\n" + string.Join("\n", all));
        var stale = Allowed.Keys.Where(k => !_used.Contains(k)).ToList();
        Assert.True(stale.Count == 0, "Allowed disagreements that no longer occur (remove them): " + string.Join(", ", stale));
    }
}
