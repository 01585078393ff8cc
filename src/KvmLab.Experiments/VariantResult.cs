using KvmLab.Scenarios;

namespace KvmLab.Experiments;

/// <summary>A variant's metric over its replications: mean, 95% half-width, the breakdown means, and its own verdict.</summary>
public sealed record VariantResult
{
    public required Variant Variant { get; init; }

    public string Name => Variant.Name;

    public required double Mean { get; init; }

    public required double Ci95 { get; init; }

    /// <summary>Every replication gave the same value: the interval is zero because nothing random reaches the metric.</summary>
    public bool Deterministic { get; init; }

    public required IReadOnlyList<RunResult> Runs { get; init; }

    /// <summary>Mean over replications of each breakdown and extra metric of the experiment, by name.</summary>
    public required IReadOnlyDictionary<string, double> Metrics { get; init; }

    /// <summary>(model - published) / published, in percent; NaN without a published value.</summary>
    public double DeviationPercent => Variant.Published is double p ? 100.0 * (Mean - p) / p : double.NaN;

    /// <summary>Within the experiment's tolerance of its published value (false without one).</summary>
    public required bool WithinTolerance { get; init; }

    /// <summary>The value's outcome with its 95% interval counted (not reproduced without a published value or a per-value verdict).</summary>
    public Outcome Outcome { get; init; } = Outcome.NotReproduced;
}
