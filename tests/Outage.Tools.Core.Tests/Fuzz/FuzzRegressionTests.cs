using System.Reflection;
using Outage.Tools.Fuzz;
using Xunit;

namespace Outage.Tools.Core.Tests.Fuzz;

/// <summary>
/// Every input the coverage-guided campaigns (tests/fuzz, SharpFuzz + AFL++) ever found to break a parser is kept
/// under tests/fuzz/regressions/&lt;target&gt;/ and replayed here through the same target code with the same
/// invariants (documented error type only, offsets inside the input, bounded allocation).
/// </summary>
public sealed class FuzzRegressionTests
{
    private static readonly string Root = typeof(FuzzRegressionTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .First(a => a.Key == "RepoRoot").Value!;

    private static string Regressions => Path.Combine(Root, "tests", "fuzz", "regressions");

    public static TheoryData<string, string> Inputs()
    {
        var data = new TheoryData<string, string>();
        foreach (var dir in Directory.GetDirectories(Regressions).OrderBy(d => d, StringComparer.Ordinal))
        {
            foreach (var file in Directory.GetFiles(dir).Where(f => !f.EndsWith(".md", StringComparison.Ordinal)).OrderBy(f => f, StringComparer.Ordinal))
            {
                data.Add(Path.GetFileName(dir), Path.GetFileName(file));
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Inputs))]
    public void Crash_input_found_by_fuzzing_now_holds_the_invariants(string target, string file) =>
        FuzzTargets.Run(target, File.ReadAllBytes(Path.Combine(Regressions, target, file)));

    [Fact]
    public void Every_regression_folder_names_a_fuzz_target() =>
        Assert.All(Directory.GetDirectories(Regressions), d => Assert.Contains(Path.GetFileName(d), FuzzTargets.All.Keys));

    [Theory]
    [InlineData("mime", "tests/fixtures/mime/valid-nested.eml")]
    [InlineData("mbox", "tests/fixtures/mime/three.mbox")]
    [InlineData("postqueue", "tests/fixtures/queue/postqueue-j.jsonl")]
    [InlineData("exim", "tests/fixtures/queue/exim-bp.txt")]
    [InlineData("exchange-csv", "tests/fixtures/queue/exchange-get-message.csv")]
    [InlineData("clixml", "tests/fixtures/queue/exchange-get-queue.clixml")]
    [InlineData("config", "samples/outage-check.psd1")]
    public void Targets_accept_the_fixtures_without_a_false_alarm(string target, string fixture) =>
        FuzzTargets.Run(target, File.ReadAllBytes(Path.Combine(Root, fixture)));

    [Fact]
    public void An_unknown_target_is_refused() =>
        Assert.Throws<ArgumentException>(() => FuzzTargets.Run("no-such-target", Array.Empty<byte>()));
}
