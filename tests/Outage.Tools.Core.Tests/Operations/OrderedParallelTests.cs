using Outage.Tools.Core.Operations;
using Xunit;

namespace Outage.Tools.Core.Tests.Operations;

public sealed class OrderedParallelTests
{
    [Fact]
    public void Results_come_in_input_order_with_bounded_concurrency()
    {
        var running = 0;
        var peak = 0;
        var results = OrderedParallel.Run(Enumerable.Range(0, 200), async (i, ct) =>
        {
            var now = Interlocked.Increment(ref running);
            InterlockedMax(ref peak, now);
            await Task.Delay((200 - i) % 7, ct);
            Interlocked.Decrement(ref running);
            return i * 2;
        }, 8, CancellationToken.None).ToList();
        Assert.Equal(Enumerable.Range(0, 200).Select(i => i * 2), results);
        Assert.InRange(peak, 1, 8);
    }

    [Fact]
    public void Cancellation_stops_the_enumeration()
    {
        using var cts = new CancellationTokenSource();
        var seen = new List<int>();
        Assert.ThrowsAny<OperationCanceledException>(() =>
        {
            foreach (var i in OrderedParallel.Run(Enumerable.Range(0, 1_000_000), (i, _) => i, 4, cts.Token))
            {
                seen.Add(i);
                if (i == 10)
                {
                    cts.Cancel();
                }
            }
        });
        Assert.InRange(seen.Count, 11, 100);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while ((current = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }
}
