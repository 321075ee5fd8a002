using System.Collections;
using System.Collections.Concurrent;
using Outage.Tools.Core.Operations;

namespace Outage.Tools.Core.Tests.Operations;

/// <summary>Items that arrive when the test adds them, as piped input does: an <see cref="IArrivingSequence{T}"/>.</summary>
internal sealed class TestArrivingQueue<T> : IArrivingSequence<T>, IDisposable
{
    private readonly BlockingCollection<T> _queue = new();
    private T _next = default!;
    private bool _hasNext;

    public void Add(T item) => _queue.Add(item);

    public void Complete() => _queue.CompleteAdding();

    public bool WaitReady(int millisecondsTimeout)
    {
        if (_hasNext || _queue.IsCompleted)
        {
            return true;
        }

        _hasNext = _queue.TryTake(out var next, millisecondsTimeout);
        _next = next!;
        return _hasNext || _queue.IsCompleted;
    }

    public IEnumerator<T> GetEnumerator()
    {
        while (true)
        {
            if (_hasNext)
            {
                _hasNext = false;
                yield return _next;
                continue;
            }

            // Bounded: a test that forgets Complete fails instead of hanging.
            if (!_queue.TryTake(out var item, TimeSpan.FromSeconds(30)))
            {
                yield break;
            }

            yield return item;
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public void Dispose() => _queue.Dispose();
}
