using BenchmarkDotNet.Attributes;
using Outage.Tools.Core.Operations;
using Outage.Tools.Core.Queue;

namespace Outage.Tools.Benchmarks.Queue;

/// <summary>
/// Parses and shapes a 1,000,000-message <c>postqueue -j</c> stream, generated on the fly (constant memory: the
/// reader cycles over 1,000 distinct real-format lines), on one thread.
/// dotnet run -c Release --project tests/Outage.Tools.Benchmarks -- --filter '*PostqueueShape*'
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 1, iterationCount: 3)]
public class PostqueueShapeBenchmark
{
    public const int Messages = 1_000_000;

    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1_795_300_000);

    [Benchmark]
    public long ParseOnly()
    {
        long n = 0;
        foreach (var o in PostqueueJsonReader.Read(new GeneratedPostqueue(Messages), "bench", QueueSourceKind.PostqueueJson, "bench", Now))
        {
            if (o.Kind == OutcomeKind.Result)
            {
                n++;
            }
        }

        return n;
    }

    [Benchmark]
    public long ParseAndShape()
    {
        var rows = QueueOperations.Shape(PostqueueJsonReader.Read(new GeneratedPostqueue(Messages), "bench", QueueSourceKind.PostqueueJson, "bench", Now),
            new QueueShapeOptions { Now = Now });
        long total = 0;
        foreach (var r in rows)
        {
            total += r.Value!.IsTotal ? r.Value.Total : 0;
        }

        return total;
    }
}

/// <summary>A TextReader that yields <c>count</c> postqueue -j lines in the real format, cycling over 1,000 variants.</summary>
public sealed class GeneratedPostqueue : TextReader
{
    private static readonly string[] Lines = Build();
    private readonly int _count;
    private int _i;

    public GeneratedPostqueue(int count) => _count = count;

    public override string? ReadLine() => _i < _count ? Lines[_i++ % Lines.Length] : null;

    private static string[] Build()
    {
        string[] domains = { "contoso.test", "fabrikam.test", "northwind.test", "example.test", "adatum.test", "tailspin.test", "wingtip.test" };
        var lines = new string[1000];
        for (var i = 0; i < lines.Length; i++)
        {
            var queue = i % 50 == 0 ? "hold" : i % 10 == 0 ? "active" : "deferred";
            var reason = i % 3 == 0 ? "connect to 127.0.0.1[127.0.0.1]:2599: Connection refused" : "delivery temporarily suspended: connect to 127.0.0.1[127.0.0.1]:2599: Connection refused";
            var rcpts = string.Join(", ", Enumerable.Range(0, 1 + (i % 3)).Select(r =>
                $"{{\"address\": \"user{i}.{r}@{domains[(i + r) % domains.Length]}\", \"delay_reason\": \"{reason}\"}}"));
            lines[i] = $"{{\"queue_name\": \"{queue}\", \"queue_id\": \"{i:X5}B20{i % 97:X2}\", \"arrival_time\": {1_795_300_000 - (i * 173)}, \"message_size\": {300 + i}, \"forced_expire\": false, \"sender\": \"sender{i % 17}@vm.test\", \"recipients\": [{rcpts}]}}";
        }

        return lines;
    }
}
