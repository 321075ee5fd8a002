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
                foreach (var outcome in operation(_inputs.GetConsumingEnumerable(cancellationToken)))
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
