namespace KvmLab.Sweeps;

/// <summary>
/// The local worker pool that sweeps, `reproduce` and `compare` share. Each item is an independent,
/// single-threaded simulation, so items run in parallel with no shared state; a worker takes one
/// item at a time (no chunking: items can differ a lot in cost). Results are assembled in input
/// order, never completion order, so the output is the same bytes whatever the job count
/// (ARCHITECTURE.md, "Determinism and checks").
/// </summary>
public static class LocalPool
{
    /// <summary>The pool's loop, started on the thread pool so the caller can stop waiting for it (a sweep abandoned on a second signal).</summary>
    /// <param name="work">Runs one item; <c>state.Stop()</c> ends the loop early.</param>
    public static Task Start<T>(IReadOnlyList<T> items, int jobs, Action<T, ParallelLoopState> work, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentOutOfRangeException.ThrowIfLessThan(jobs, 1);
        var source = System.Collections.Concurrent.Partitioner.Create(items, System.Collections.Concurrent.EnumerablePartitionerOptions.NoBuffering);
        return Task.Run(() => Parallel.ForEach(source, new ParallelOptions { MaxDegreeOfParallelism = jobs, CancellationToken = cancel }, work), CancellationToken.None);
    }

    /// <summary>
    /// Runs <paramref name="run"/> on every item with up to <paramref name="jobs"/> workers and
    /// returns the results in input order. <paramref name="progress"/> gets (done, total) after each
    /// item, serialized. The first exception of a run is rethrown as itself.
    /// </summary>
    public static IReadOnlyList<TOut> Map<TIn, TOut>(IReadOnlyList<TIn> items, int jobs, Func<TIn, TOut> run, Action<int, int>? progress = null,
        CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(run);
        var results = new TOut[items.Count];
        var indexed = Enumerable.Range(0, items.Count).ToList();
        int done = 0;
        var gate = new Lock();
        if (jobs == 1)
        {
            // One worker: run on this thread, as before the pool existed (no pool thread, same order).
            foreach (int i in indexed)
            {
                cancel.ThrowIfCancellationRequested();
                results[i] = run(items[i]);
                progress?.Invoke(++done, items.Count);
            }

            return results;
        }

        try
        {
            Start(indexed, jobs, (i, _) =>
            {
                TOut r = run(items[i]);
                lock (gate)
                {
                    results[i] = r;
                    progress?.Invoke(++done, items.Count);
                }
            }, cancel).Wait(CancellationToken.None);
        }
        catch (AggregateException e) when (e.Flatten().InnerExceptions.Count > 0)
        {
            Exception first = e.Flatten().InnerExceptions[0];
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(first).Throw();
        }

        return results;
    }
}
