using KvmLab.Model.Hardware;

namespace KvmLab.Experiments.Compare;

/// <summary>What `kvmlab compare` was asked for.</summary>
public sealed record CompareOptions
{
    /// <summary>The features to compare; null: every feature that applies to the scenario's platform.</summary>
    public IReadOnlyList<string>? Features { get; init; }

    public CompareDesign Design { get; init; } = CompareDesign.OneAtATime;

    /// <summary>The metric ranked on; null: the scenario's primary metric.</summary>
    public string? Metric { get; init; }

    public int Replications { get; init; } = 3;

    public int Jobs { get; init; } = 1;

    /// <summary>Replaces the scenario's profile (`--profile`).</summary>
    public CostProfile? Profile { get; init; }

    /// <summary>(runs done, runs total), serialized.</summary>
    public Action<int, int>? Progress { get; init; }
}
