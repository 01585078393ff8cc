using KvmLab.Scenarios;

namespace KvmLab.Sweeps;

/// <summary>
/// One run of a sweep: a grid point and a replication. <see cref="Id"/> hashes the parameters
/// (paths and canonical values, sorted by path) and the replication, so it does not depend on the
/// order of the grid's keys or on which machine expands it. <see cref="Index"/> is the position in
/// expansion order (first axis slowest, replications fastest): rows are sorted by it.
/// </summary>
public sealed record SweepPoint
{
    public required int Index { get; init; }

    public required string Id { get; init; }

    public required int Replication { get; init; }

    /// <summary>(path, displayed value) in grid order.</summary>
    public required IReadOnlyList<KeyValuePair<string, string>> Parameters { get; init; }

    public required ScenarioSpec Scenario { get; init; }

    public required string ScenarioHash { get; init; }
}
