namespace KvmLab.Scenarios;

/// <summary>One metric of a run: a name, a value and a unit.</summary>
public sealed record RunMetric(string Name, double Value, string Unit);

/// <summary>Everything a run produced, with what is needed to reproduce it.</summary>
public sealed record RunResult
{
    public required string Scenario { get; init; }

    public required string ScenarioHash { get; init; }

    public required ulong Seed { get; init; }

    public required int Replication { get; init; }

    public required string Profile { get; init; }

    public required IReadOnlyList<string> Features { get; init; }

    public required string Version { get; init; }

    public required double SimulatedSeconds { get; init; }

    public required long Events { get; init; }

    public required string PrimaryMetric { get; init; }

    public required IReadOnlyList<RunMetric> Metrics { get; init; }

    /// <summary>Lines the workload prints in its own tool's format (cyclictest's T: line, memtier's totals).</summary>
    public IReadOnlyList<string> Summary { get; init; } = [];

    public double Metric(string name) =>
        Metrics.FirstOrDefault(m => m.Name == name)?.Value ?? throw new KeyNotFoundException($"No metric '{name}' in run of {Scenario}.");
}
