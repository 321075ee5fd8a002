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
    public async Task Arriving_input_hands_out_finished_results_while_the_next_input_is_awaited()
    {
        using var queue = new TestArrivingQueue<int>();
        queue.Add(1);
        using var e = OrderedParallel.Run(queue, (i, ct) => Task.FromResult(i * 10), 4, CancellationToken.None).GetEnumerator();
        var first = Task.Run(() => e.MoveNext());
        Assert.True(await Task.WhenAny(first, Task.Delay(TimeSpan.FromSeconds(10))) == first, "The first result did not come out while the input stayed open.");
        Assert.True(await first);
        Assert.Equal(10, e.Current);
        queue.Add(2);
        queue.Complete();
        Assert.True(e.MoveNext());
        Assert.Equal(20, e.Current);
        Assert.False(e.MoveNext());
    }

    [Fact]
    public void Arriving_sequences_stay_arriving_through_SelectMany()
    {
        using var queue = new TestArrivingQueue<string>();
        var expanded = ArrivingSequence.SelectMany(queue, n => new[] { n + ".a", n + ".b" });
        Assert.IsAssignableFrom<IArrivingSequence<string>>(expanded);
        Assert.False(ArrivingSequence.IsReady(expanded, 0));
        queue.Add("x");
        using var e = expanded.GetEnumerator();
        Assert.True(ArrivingSequence.IsReady(expanded, 0));
        Assert.True(e.MoveNext());
        Assert.Equal("x.a", e.Current);
        Assert.True(ArrivingSequence.IsReady(expanded, 0)); // x.b is in hand
        Assert.True(e.MoveNext());
        Assert.False(ArrivingSequence.IsReady(expanded, 0)); // nothing has arrived after x
        queue.Complete();
        Assert.True(ArrivingSequence.IsReady(expanded, 0));
        Assert.False(e.MoveNext());
        Assert.True(ArrivingSequence.IsReady(new[] { 1 }, 0));
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
