using System.Collections.Concurrent;
using System.Diagnostics;
using KvmLab.Scenarios;

namespace KvmLab.Sweeps;

/// <summary>
/// Runs a sweep's points (or one shard's) on local cores. Each point is an independent,
/// single-threaded simulation, so points run in parallel with no shared state; each finished point
/// is appended to the journal and flushed before it counts as done. Points already in the journal
/// are skipped, so an interrupted sweep resumes. At the end (or on cancellation) the journal is
/// compacted into the results CSV, sorted by point index: the same bytes whatever the job count.
/// Stopping early (<c>cancel</c>, <c>abandon</c>) always leaves the CSV of what the journal holds.
/// </summary>
public static class SweepRunner
{
    public const string JournalName = "points";
    public const string CsvName = "results";

    public static string JournalPath(string outDir, Shard shard) => Path.Combine(outDir, JournalName + shard.Suffix + ".jsonl");

    public static string CsvPath(string outDir, Shard shard) => Path.Combine(outDir, CsvName + shard.Suffix + ".csv");

    /// <param name="progress">Called after each point with (ran this time, to run this time); from worker threads, serialized.</param>
    /// <param name="cancel">Stop gracefully (SIGINT, SIGTERM): no new point starts, the points in flight finish and are journaled.
    /// The table is written at once from the points done so far, and again when the points in flight are done.</param>
    /// <param name="abandon">Stop now (a second signal): the points in flight are dropped, never journaled, and run again on resume.</param>
    public static SweepOutcome Run(SweepSpec sweep, string outDir, int jobs, Shard shard, Action<int, int>? progress = null,
        CancellationToken cancel = default, CancellationToken abandon = default)
    {
        ArgumentNullException.ThrowIfNull(sweep);
        ArgumentNullException.ThrowIfNull(shard);
        ArgumentOutOfRangeException.ThrowIfLessThan(jobs, 1);
        var clock = Stopwatch.StartNew();
        IReadOnlyList<SweepPoint> mine = [.. SweepExpander.Expand(sweep, jobs).Where(shard.Contains)];
        var byId = mine.ToDictionary(p => p.Id, StringComparer.Ordinal);
        Directory.CreateDirectory(outDir);
        string journalPath = JournalPath(outDir, shard);
        using ResultJournal journal = ResultJournal.Open(journalPath);
        foreach (PointResult r in journal.Existing)
        {
            if (!byId.TryGetValue(r.PointId, out SweepPoint? p))
            {
                throw new ScenarioException($"{journalPath}: point {r.PointId} is not a point of {sweep.File}{(shard.IsAll ? "" : $" shard {shard.Index}/{shard.Count}")}; "
                    + "the sweep changed since it was started, so use a new --out directory");
            }

            if (r.ScenarioHash != p.ScenarioHash || r.Seed != p.Scenario.Seed)
            {
                throw new ScenarioException($"{journalPath}: point {r.PointId} was run from a different scenario (hash {r.ScenarioHash}, seed {r.Seed}; now {p.ScenarioHash}, seed {p.Scenario.Seed}); "
                    + "the base scenario changed since the sweep was started, so use a new --out directory");
            }
        }

        var done = journal.Existing.Select(r => r.PointId).ToHashSet(StringComparer.Ordinal);
        List<SweepPoint> pending = [.. mine.Where(p => !done.Contains(p.Id))];
        var finished = new ConcurrentBag<PointResult>(journal.Existing);
        string csv = CsvPath(outDir, shard);
        var csvGate = new Lock();
        void WriteCsv()
        {
            lock (csvGate)
            {
                ResultsCsv.Write(csv, finished);
            }
        }

        int ran = 0;
        int started = 0;
        var gate = new Lock();
        bool complete = true;
        bool dropped = false;
        // A scheduler follows SIGTERM with SIGKILL after a grace period (Slurm's KillWait, 30 s by
        // default; Kubernetes' terminationGracePeriodSeconds, 30 s): write the table as soon as the
        // stop is asked for, so it exists even if the points in flight outlive the grace period.
        using CancellationTokenRegistration early = cancel.Register(WriteCsv);
        // The pool shared with reproduce and compare (LocalPool): one point at a time per worker.
        Task work = LocalPool.Start(pending, jobs, (p, state) =>
        {
            if (cancel.IsCancellationRequested)
            {
                state.Stop();
                return;
            }

            Interlocked.Increment(ref started);
            PointResult row = RunPoint(sweep, p);
            // Journal and table agree: a point is in both or, abandoned while it ran, in neither.
            lock (gate)
            {
                if (!journal.Append(row))
                {
                    return;
                }

                finished.Add(row);
                ran++;
                progress?.Invoke(ran, pending.Count);
            }
        }, cancel);
        try
        {
            work.Wait(abandon);
        }
        catch (OperationCanceledException) when (abandon.IsCancellationRequested)
        {
            // Points still running may finish later on the pool; the sealed journal ignores them.
            lock (gate)
            {
                journal.Seal();
            }

            complete = false;
            dropped = true;
        }
        catch (AggregateException e) when (e.Flatten().InnerExceptions.All(x => x is OperationCanceledException))
        {
            complete = false;
        }
        catch (AggregateException e) when (e.Flatten().InnerExceptions.FirstOrDefault(x => x is ScenarioException) is ScenarioException se)
        {
            WriteCsv();
            throw new ScenarioException(se.Message, se);
        }

        int journaled;
        lock (gate)
        {
            journaled = ran;
        }

        complete &= journaled == pending.Count;
        WriteCsv();
        return new SweepOutcome
        {
            Points = mine.Count,
            AlreadyDone = journal.Existing.Count,
            Ran = journaled,
            Dropped = dropped ? Math.Max(0, Volatile.Read(ref started) - journaled) : 0,
            Complete = complete,
            RepairedTornLine = journal.RepairedTornLine,
            CsvPath = csv,
            JournalPath = journalPath,
            Elapsed = clock.Elapsed,
        };
    }

    public static PointResult RunPoint(SweepSpec sweep, SweepPoint p)
    {
        ArgumentNullException.ThrowIfNull(sweep);
        ArgumentNullException.ThrowIfNull(p);
        RunResult r;
        try
        {
            r = ScenarioRunner.Run(p.Scenario, p.Replication);
        }
        catch (ScenarioException e)
        {
            string where = string.Join(", ", p.Parameters.Select(kv => $"{kv.Key}={kv.Value}"));
            throw new ScenarioException($"{sweep.File}: point {p.Id} ({where}): {e.Message}", e);
        }

        return new PointResult
        {
            PointId = p.Id,
            Index = p.Index,
            Replication = p.Replication,
            Seed = r.Seed,
            Scenario = r.Scenario,
            ScenarioHash = r.ScenarioHash,
            Version = r.Version,
            Parameters = p.Parameters,
            Metrics = [.. r.Metrics.Select(m => new KeyValuePair<string, double>(m.Name, m.Value))],
        };
    }
}
