namespace KvmLab.Experiments;

/// <summary>
/// One reproduced published figure: the variants to run, the metric, the reference and its
/// tolerance (TARGETS.md). The change is (optimized - baseline) / baseline.
/// </summary>
public sealed record Experiment
{
    public required string Id { get; init; }

    public required string Title { get; init; }

    /// <summary>The seed document and what in it this reproduces.</summary>
    public required string Source { get; init; }

    public required string Setup { get; init; }

    /// <summary>The metric name in the run results.</summary>
    public required string Metric { get; init; }

    public required string Unit { get; init; }

    public required Variant Baseline { get; init; }

    public required Variant Optimized { get; init; }

    public required PublishedReference Published { get; init; }

    /// <summary>How far, in percentage points, the model's change may lie from the published change.</summary>
    public required double TolerancePoints { get; init; }

    /// <summary>
    /// When true the tolerance is a percentage of each published value instead: baseline and
    /// optimized must each lie within it (TARGETS.md "+-15%" for absolute figures).
    /// </summary>
    public bool ToleranceOnValues { get; init; }

    /// <summary>True when a cost constant came from this row's own published numbers (TARGETS.md).</summary>
    public bool Calibration { get; init; }

    /// <summary>Choices made where the source is silent, and known gaps.</summary>
    public required string Notes { get; init; }

    /// <summary>Independent replications per variant (different RNG streams) for the error bars.</summary>
    public int Replications { get; init; } = 5;
}
