using Xunit;
using System.Reflection;

namespace Outage.Tools.Core.Tests.Queue;

internal static class QueueFixtures
{
    public static string RepoRoot { get; } = typeof(QueueFixtures).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .First(a => a.Key == "RepoRoot").Value!;

    public static string Path(string name) => System.IO.Path.Combine(RepoRoot, "tests", "fixtures", "queue", name);

    /// <summary>Parses qshape output into name → [T, buckets...].</summary>
    public static Dictionary<string, long[]> ParseQshape(string text)
    {
        var rows = new Dictionary<string, long[]>(StringComparer.Ordinal);
        foreach (var line in text.Split('\n').Skip(1))
        {
            var f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (f.Length < 2)
            {
                continue;
            }

            rows[f[0]] = f.Skip(1).Select(long.Parse).ToArray();
        }

        return rows;
    }

    public static Dictionary<string, long[]> ToMatrix(IEnumerable<Outage.Tools.Core.Queue.QueueShapeRow> rows) =>
        rows.ToDictionary(r => r.Name, r => new[] { r.Total }.Concat(r.Buckets).ToArray(), StringComparer.Ordinal);

    public static void AssertSameMatrix(Dictionary<string, long[]> expected, Dictionary<string, long[]> actual)
    {
        Assert.Equal(expected.Keys.OrderBy(k => k, StringComparer.Ordinal), actual.Keys.OrderBy(k => k, StringComparer.Ordinal));
        foreach (var (k, v) in expected)
        {
            Assert.True(v.SequenceEqual(actual[k]), $"row {k}: qshape {string.Join(" ", v)} vs ours {string.Join(" ", actual[k])}");
        }
    }
}
