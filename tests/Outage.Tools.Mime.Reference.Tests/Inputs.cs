using System.Diagnostics;
using System.Reflection;
using Outage.Tools.Core.Mime;

namespace Outage.Tools.Mime.Reference.Tests;

/// <summary>The messages the oracle runs on, and our own part tree in the oracle's terms.</summary>
internal static class Inputs
{
    public static string RepoRoot { get; } = typeof(Inputs).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .First(a => a.Key == "RepoRoot").Value!;

    /// <summary>../shared beside the repository (worktrees see it at /work/shared).</summary>
    public static string Shared(params string[] parts)
    {
        var dir = Path.GetFullPath(Path.Combine(new[] { RepoRoot, "..", "shared" }.Concat(parts).ToArray()));
        if (!Path.Exists(dir))
        {
            dir = Path.Combine(new[] { "/work/shared" }.Concat(parts).ToArray());
        }

        Xunit.Assert.True(Path.Exists(dir), $"The shared reference data is missing: {dir} (the ../shared checkout beside the repository).");
        return dir;
    }

    public static IEnumerable<string> Fixtures() =>
        Directory.GetFiles(Path.Combine(RepoRoot, "tests", "fixtures", "mime"), "*.eml").Concat(
            Directory.GetFiles(Path.Combine(RepoRoot, "samples", "messages"), "*.eml")).OrderBy(f => f, StringComparer.Ordinal);

    /// <summary>Every message file of the real-world corpus (mbox files are left out: MimeReader reads one message).</summary>
    public static IEnumerable<string> RealWorld()
    {
        var root = Shared("corpus", "real-world");
        foreach (var manifest in Directory.GetFiles(root, "MANIFEST.tsv", SearchOption.AllDirectories).OrderBy(f => f, StringComparer.Ordinal))
        {
            foreach (var line in File.ReadAllLines(manifest).Skip(1).Where(l => l.Length > 0))
            {
                var cells = line.Split('\t');
                if (cells[2] != "mbox")
                {
                    yield return Path.Combine(Path.GetDirectoryName(manifest)!, cells[0]);
                }
            }
        }
    }

    public static IEnumerable<string> BenchMalformed() =>
        Directory.GetFiles(Shared("bench", "mime", "malformed"), "*.eml").OrderBy(f => f, StringComparer.Ordinal);

    /// <summary>
    /// A deterministic slice of the generated benchmark corpora (gen_corpus.py, fixed seed): 300 small messages and
    /// 2 large ones, written once per test run into a temp folder.
    /// </summary>
    public static IEnumerable<string> Generated()
    {
        var dir = Path.Combine(Path.GetTempPath(), "outage-mime-reference-corpus-v1");
        if (!Directory.Exists(Path.Combine(dir, "large")))
        {
            var psi = new ProcessStartInfo("python3") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var a in new[] { Path.Combine(Shared("bench", "mime"), "gen_corpus.py"), "--out", dir, "--sets", "small,large", "--small-count", "300",
                "--large-count", "2", "--no-hash", "--jobs", "1" })
            {
                psi.ArgumentList.Add(a);
            }

            using var p = Process.Start(psi)!;
            var err = p.StandardError.ReadToEndAsync();
            p.StandardOutput.ReadToEnd();
            Xunit.Assert.True(p.WaitForExit(600_000), "gen_corpus.py did not finish in 10 minutes.");
            Xunit.Assert.True(p.ExitCode == 0, $"gen_corpus.py failed: {err.Result}");
        }

        return Directory.GetFiles(dir, "*", SearchOption.AllDirectories).Where(f => !f.EndsWith(".json", StringComparison.Ordinal))
            .OrderBy(f => f, StringComparer.Ordinal);
    }

    /// <summary>Our part tree (Get-MimeStructure) in the oracle's terms.</summary>
    public static IReadOnlyList<TreeNode> Ours(byte[] bytes) =>
        MimeStructure.Parts(MimeInput.FromBytes("m", bytes)).Select(p => new TreeNode(p.ContentType.ToLowerInvariant(), p.Depth, p.HeaderOffset,
            p.BodyOffset, p.BodyOffset >= 0 ? p.BodyOffset + p.BodySize : p.HeaderOffset + p.HeaderSize)).ToList();
}
