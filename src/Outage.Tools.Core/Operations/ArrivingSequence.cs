using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;

namespace Outage.Tools.Core.Operations;

/// <summary>
/// A lazy input whose next item may not have arrived yet, such as the items piped into a command one at a time.
/// An operation that has other work in hand (answers to read, finished results to hand out) asks
/// <see cref="WaitReady"/> before MoveNext, so it never sits blocked in MoveNext while it could make progress:
/// results for the first items come out while later items are still arriving.
/// </summary>
public interface IArrivingSequence<out T> : IEnumerable<T>
{
    /// <summary>
    /// True when the next MoveNext of the (one) enumeration will not block: an item has arrived or the input has
    /// ended. Waits at most <paramref name="millisecondsTimeout"/> milliseconds for that; 0 only looks.
    /// </summary>
    bool WaitReady(int millisecondsTimeout);
}

/// <summary>Helpers that keep a sequence's <see cref="IArrivingSequence{T}"/> nature through a projection.</summary>
public static class ArrivingSequence
{
    /// <summary>True when the next item can be read without blocking (always, for an ordinary sequence).</summary>
    public static bool IsReady<T>(IEnumerable<T> sequence, int millisecondsTimeout) =>
        sequence is not IArrivingSequence<T> arriving || arriving.WaitReady(millisecondsTimeout);

    /// <summary>
    /// Each item expanded into its results (as Enumerable.SelectMany); still an arriving sequence when the source is:
    /// ready while results of the current item remain or the source is ready. Each item's results are small
    /// (the record types of one name) and are taken at once.
    /// </summary>
    public static IEnumerable<TResult> SelectMany<TSource, TResult>(IEnumerable<TSource> source, Func<TSource, IEnumerable<TResult>> selector)
    {
        if (source is null)
        {
            throw new ArgumentNullException(nameof(source));
        }

        if (selector is null)
        {
            throw new ArgumentNullException(nameof(selector));
        }

        return source is IArrivingSequence<TSource> arriving ? new Expanded<TSource, TResult>(arriving, selector) : source.SelectMany(selector);
    }

    private sealed class Expanded<TSource, TResult> : IArrivingSequence<TResult>
    {
        private readonly IArrivingSequence<TSource> _source;
        private readonly Func<TSource, IEnumerable<TResult>> _selector;
        private readonly Queue<TResult> _pending = new();

        public Expanded(IArrivingSequence<TSource> source, Func<TSource, IEnumerable<TResult>> selector)
        {
            _source = source;
            _selector = selector;
        }

        public bool WaitReady(int millisecondsTimeout) => _pending.Count > 0 || _source.WaitReady(millisecondsTimeout);

        public IEnumerator<TResult> GetEnumerator()
        {
            foreach (var item in _source)
            {
                foreach (var r in _selector(item))
                {
                    _pending.Enqueue(r);
                }

                while (_pending.Count > 0)
                {
                    yield return _pending.Dequeue();
                }
            }
        }

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
