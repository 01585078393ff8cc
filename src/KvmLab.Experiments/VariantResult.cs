using KvmLab.Scenarios;

namespace KvmLab.Experiments;

/// <summary>A variant's metric over its replications: mean and a 95% confidence half-width.</summary>
public sealed record VariantResult(string Name, double Mean, double Ci95, IReadOnlyList<RunResult> Runs)
{
    /// <summary>Every replication gave the same value: the interval is zero because nothing random reaches the metric.</summary>
    public bool Deterministic { get; init; }
}
