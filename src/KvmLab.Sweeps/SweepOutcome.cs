namespace KvmLab.Sweeps;

/// <summary>What a sweep invocation did: points in its shard, found already done, run now, and where the table is.</summary>
public sealed record SweepOutcome
{
    public required int Points { get; init; }

    public required int AlreadyDone { get; init; }

    public required int Ran { get; init; }

    /// <summary>Points that were running when the sweep was abandoned (a second signal): not journaled, they run again on resume.</summary>
    public int Dropped { get; init; }

    /// <summary>False when cancelled before every point of the shard finished (run again to resume).</summary>
    public required bool Complete { get; init; }

    public required bool RepairedTornLine { get; init; }

    public required string CsvPath { get; init; }

    public required string JournalPath { get; init; }

    public required TimeSpan Elapsed { get; init; }
}
