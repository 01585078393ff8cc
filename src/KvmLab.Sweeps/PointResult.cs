namespace KvmLab.Sweeps;

/// <summary>One finished point: a row of the results table.</summary>
public sealed record PointResult
{
    public required string PointId { get; init; }

    public required int Index { get; init; }

    public required int Replication { get; init; }

    public required ulong Seed { get; init; }

    public required string Scenario { get; init; }

    public required string ScenarioHash { get; init; }

    public required string Version { get; init; }

    /// <summary>(path, value) in grid order.</summary>
    public required IReadOnlyList<KeyValuePair<string, string>> Parameters { get; init; }

    /// <summary>(metric, value) in the run's order.</summary>
    public required IReadOnlyList<KeyValuePair<string, double>> Metrics { get; init; }
}
