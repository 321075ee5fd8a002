using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace Outage.Tools.Core.Operations;

/// <summary>
/// Runs work for a stream of inputs with at most <c>maxDegree</c> items in flight and yields the results
/// in input order, on the caller's thread. Memory stays bounded: at most <c>4 × maxDegree</c> inputs are
/// read ahead. This is how operations use every core (folder scans) or many sockets (bulk DNS, probes)
/// while the front end still writes output from its own thread.
/// </summary>
public static class OrderedParallel
{
    public static IEnumerable<TOut> Run<TIn, TOut>(IEnumerable<TIn> inputs, Func<TIn, CancellationToken, Task<TOut>> work,
        int maxDegree, CancellationToken cancellationToken)
    {
        if (inputs is null)
        {
            throw new ArgumentNullException(nameof(inputs));
        }

        if (work is null)
        {
            throw new ArgumentNullException(nameof(work));
        }

        if (maxDegree < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(maxDegree), maxDegree, "The degree of parallelism must be at least 1.");
        }

        return Iterate(inputs, work, maxDegree, cancellationToken);
    }

    /// <summary>The same for synchronous (CPU-bound) work, run on the thread pool.</summary>
    public static IEnumerable<TOut> Run<TIn, TOut>(IEnumerable<TIn> inputs, Func<TIn, CancellationToken, TOut> work,
        int maxDegree, CancellationToken cancellationToken)
    {
        if (work is null)
        {
            throw new ArgumentNullException(nameof(work));
        }

        if (maxDegree == 1)
        {
            return Sequential(inputs, work, cancellationToken);
        }

        return Run(inputs, (item, ct) => Task.Run(() => work(item, ct), ct), maxDegree, cancellationToken);
    }

    private static IEnumerable<TOut> Sequential<TIn, TOut>(IEnumerable<TIn> inputs, Func<TIn, CancellationToken, TOut> work,
        CancellationToken cancellationToken)
    {
        foreach (var item in inputs)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return work(item, cancellationToken);
        }
    }

    private static IEnumerable<TOut> Iterate<TIn, TOut>(IEnumerable<TIn> inputs, Func<TIn, CancellationToken, Task<TOut>> work,
        int maxDegree, CancellationToken cancellationToken)
    {
        using var gate = new SemaphoreSlim(maxDegree, maxDegree);
        var window = new Queue<Task<TOut>>();
        var readAhead = checked(maxDegree * 4);
        // Inputs still arriving (piped one by one): while the next one is not there, hand out the first result as
        // soon as it is done instead of blocking in MoveNext.
        var arriving = inputs as IArrivingSequence<TIn>;
        using var e = inputs.GetEnumerator();
        var more = true;
        try
        {
            while (true)
            {
                while (more && window.Count < readAhead)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    if (arriving is not null && window.Count > 0 && !arriving.WaitReady(window.Peek().IsCompleted ? 0 : 10))
                    {
                        if (window.Peek().IsCompleted)
                        {
                            break;
                        }

                        continue;
                    }

                    more = e.MoveNext();
                    if (more)
                    {
                        window.Enqueue(Gated(gate, e.Current, work, cancellationToken));
                    }
                }

                if (window.Count == 0)
                {
                    yield break;
                }

                yield return window.Dequeue().GetAwaiter().GetResult();
            }
        }
        finally
        {
            // Abandoned early (an error, Stop, Select-Object -First): wait for what is running so no work
            // outlives the enumeration; its results and errors are dropped.
            foreach (var pending in window)
            {
                try
                {
                    pending.Wait(TimeSpan.FromSeconds(30));
                }
                catch (AggregateException)
                {
                }
            }
        }
    }

    private static async Task<TOut> Gated<TIn, TOut>(SemaphoreSlim gate, TIn item, Func<TIn, CancellationToken, Task<TOut>> work,
        CancellationToken cancellationToken)
    {
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await work(item, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            gate.Release();
        }
    }
}
