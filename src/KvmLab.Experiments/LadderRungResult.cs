using KvmLab.Scenarios;

namespace KvmLab.Experiments;

/// <summary>A rung's metric over its replications, its breakdown means, and its verdict.</summary>
public sealed record LadderRungResult
{
    public required LadderRung Rung { get; init; }

    public required double Mean { get; init; }

    public required double Ci95 { get; init; }

    /// <summary>Every replication gave the same value (see <see cref="Statistics.AllEqual"/>).</summary>
    public bool Deterministic { get; init; }

    public required IReadOnlyList<RunResult> Runs { get; init; }

    /// <summary>Mean over replications of each breakdown and extra metric, by name.</summary>
    public required IReadOnlyDictionary<string, double> Metrics { get; init; }

    /// <summary>(model - published) / published, in percent.</summary>
    public double DeviationPercent => 100.0 * (Mean - Rung.Published) / Rung.Published;

    public required bool WithinTolerance { get; init; }
}
