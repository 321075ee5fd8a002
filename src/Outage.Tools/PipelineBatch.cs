using System;
using System.Collections.Generic;

namespace Outage.Tools;

/// <summary>
/// Pipeline input gathered into batches, so one Core operation (with its own parallelism) serves many piped
/// items: a batch runs when it reaches its size in ProcessRecord, and the rest at the end of the pipeline.
/// </summary>
internal sealed class PipelineBatch<T>
{
    private readonly List<T> _items = new();

    /// <summary>Adds items; runs the batch once it holds at least <paramref name="size"/> of them.</summary>
    public void Add(IEnumerable<T> items, int size, Action<T[]> run)
    {
        _items.AddRange(items);
        if (_items.Count >= size)
        {
            Flush(run);
        }
    }

    /// <summary>Runs what is gathered, if anything (call from EndProcessing).</summary>
    public void Flush(Action<T[]> run)
    {
        if (_items.Count == 0)
        {
            return;
        }

        var batch = _items.ToArray();
        _items.Clear();
        run(batch);
    }
}
