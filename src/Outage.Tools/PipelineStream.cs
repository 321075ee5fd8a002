using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Outage.Tools.Core.Operations;

namespace Outage.Tools;

/// <summary>
/// Pipeline input flowing into one long-lived Core operation: the first piped item starts the operation on a
/// background thread over a lazy, blocking sequence of inputs (so its own parallelism and its one progress
/// activity span the whole pipeline), each ProcessRecord adds its items and writes the outcomes that are ready,
/// and EndProcessing ends the input and writes the rest. Outcomes are written only from the pipeline thread.
/// Both queues are bounded: a full input queue makes the pipeline thread write outcomes while it waits, so
/// memory stays bounded and nothing deadlocks.
/// </summary>
internal sealed class PipelineStream<TIn, TOut> : IDisposable
{
    private const int Capacity = 1024;
    private readonly BlockingCollection<TIn> _inputs = new(Capacity);
    private readonly BlockingCollection<Outcome<TOut>> _outcomes = new(Capacity);
    private Task? _consumer;
    private bool _disposed;

    public bool Started => _consumer is not null;

    /// <summary>Starts the operation over the inputs to come (once).</summary>
    public void Start(Func<IEnumerable<TIn>, IEnumerable<Outcome<TOut>>> operation, CancellationToken cancellationToken)
    {
        if (_consumer is not null)
        {
            throw new InvalidOperationException("The operation has already started.");
        }

        _consumer = Task.Factory.StartNew(() =>
        {
            try
            {
                foreach (var outcome in operation(new Arriving(_inputs, cancellationToken)))
                {
                    _outcomes.Add(outcome, cancellationToken);
                }
            }
            finally
            {
                _outcomes.CompleteAdding();
            }
        }, cancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    /// <summary>Adds inputs, writing the outcomes that are ready (also while the input queue is full).</summary>
    public void Add(IEnumerable<TIn> items, Action<Outcome<TOut>> write, CancellationToken cancellationToken)
    {
        foreach (var item in items)
        {
            while (!_inputs.TryAdd(item, 20, cancellationToken))
            {
                Drain(write);
                if (_consumer!.IsCompleted)
                {
                    // The operation ended early (its error is thrown here); nothing takes inputs any more.
                    Finish(write, cancellationToken);
                    return;
                }
            }
        }

        Drain(write);
        if (_consumer!.IsFaulted)
        {
            Finish(write, cancellationToken);
        }
    }

    /// <summary>Writes the outcomes that are ready, without waiting.</summary>
    public void Drain(Action<Outcome<TOut>> write)
    {
        while (_outcomes.TryTake(out var outcome))
        {
            write(outcome);
        }
    }

    /// <summary>Ends the input, writes every remaining outcome and throws the operation's error, if any.</summary>
    public void Finish(Action<Outcome<TOut>> write, CancellationToken cancellationToken)
    {
        if (_consumer is null)
        {
            return;
        }

        if (!_inputs.IsAddingCompleted)
        {
            _inputs.CompleteAdding();
        }

        foreach (var outcome in _outcomes.GetConsumingEnumerable(cancellationToken))
        {
            write(outcome);
        }

        _consumer.GetAwaiter().GetResult();
    }

    /// <summary>
    /// The inputs as the operation sees them: a blocking sequence that also says whether the next item has arrived
    /// (<see cref="IArrivingSequence{T}"/>), so an operation with answers in hand hands them out instead of waiting.
    /// </summary>
    private sealed class Arriving : IArrivingSequence<TIn>
    {
        private readonly BlockingCollection<TIn> _queue;
        private readonly CancellationToken _cancellationToken;
        private TIn _next = default!;
        private bool _hasNext;

        public Arriving(BlockingCollection<TIn> queue, CancellationToken cancellationToken)
        {
            _queue = queue;
            _cancellationToken = cancellationToken;
        }

        public bool WaitReady(int millisecondsTimeout)
        {
            if (_hasNext || _queue.IsCompleted)
            {
                return true;
            }

            try
            {
                _hasNext = _queue.TryTake(out _next, millisecondsTimeout, _cancellationToken);
            }
            catch (InvalidOperationException)
            {
                // Completed while waiting: the next MoveNext ends the sequence without blocking.
                return true;
            }

            return _hasNext || _queue.IsCompleted;
        }

        public IEnumerator<TIn> GetEnumerator()
        {
            while (true)
            {
                if (_hasNext)
                {
                    _hasNext = false;
                    yield return _next;
                    continue;
                }

                if (!_queue.TryTake(out var item, Timeout.Infinite, _cancellationToken))
                {
                    yield break;
                }

                yield return item;
            }
        }

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }

    /// <summary>Ends the input and waits (bounded) for the operation, so no work outlives the command.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (!_inputs.IsAddingCompleted)
        {
            _inputs.CompleteAdding();
        }

        if (_consumer is not null)
        {
            // Abandoned (Stop, Select-Object -First, a terminating error): take what is left so the producer is not
            // blocked on a full queue, and wait for it to end.
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (!_consumer.IsCompleted && DateTime.UtcNow < deadline)
            {
                while (_outcomes.TryTake(out _))
                {
                }

                try
                {
                    _consumer.Wait(20);
                }
                catch (AggregateException)
                {
                }
            }

            if (_consumer.IsCompleted)
            {
                _ = _consumer.Exception;
                _inputs.Dispose();
                _outcomes.Dispose();
            }
        }
    }
}
