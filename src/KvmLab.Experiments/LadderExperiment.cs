namespace KvmLab.Experiments;

/// <summary>
/// A published figure with many configurations rather than a baseline/optimized pair (for example
/// Hajnoczi 2020's IOPS ladder). Each rung is judged on its own: the model's metric within
/// <see cref="TolerancePercent"/> of the published value; and the ladder as a whole on whether the
/// model ranks the rungs in the published order (<see cref="LadderVerdict"/>).
/// </summary>
public sealed record LadderExperiment
{
    public required string Id { get; init; }

    public required string Title { get; init; }

    public required string Source { get; init; }

    public required string Setup { get; init; }

    /// <summary>The metric name in the run results (for example "iops").</summary>
    public required string Metric { get; init; }

    public required string Unit { get; init; }

    /// <summary>The rungs in published order.</summary>
    public required IReadOnlyList<LadderRung> Rungs { get; init; }

    public required string Citation { get; init; }

    /// <summary>How far, in percent of the published value, each rung's model value may lie.</summary>
    public required double TolerancePercent { get; init; }

    /// <summary>Published values closer than this (percent) count as a tie when comparing the order.</summary>
    public double TiePercent { get; init; } = 5;

    public bool Calibration { get; init; }

    public required string Notes { get; init; }

    public int Replications { get; init; } = 5;

    /// <summary>Run-metric names shown as the per-rung breakdown (they sum to the mean latency).</summary>
    public IReadOnlyList<string> Breakdown { get; init; } = [];

    /// <summary>Run-metric names shown as extra per-rung columns (CPU burned, for example).</summary>
    public IReadOnlyList<string> Extras { get; init; } = [];
}
