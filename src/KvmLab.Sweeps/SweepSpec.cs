namespace KvmLab.Sweeps;

/// <summary>A validated sweep file: a base scenario, a grid, and replications per grid point.</summary>
public sealed record SweepSpec
{
    public required string Name { get; init; }

    public string? Description { get; init; }

    /// <summary>The sweep file, as given (error messages and progress name it).</summary>
    public required string File { get; init; }

    /// <summary>The base scenario file, resolved relative to the sweep file's directory.</summary>
    public required string ScenarioFile { get; init; }

    /// <summary>The base scenario's text: every point is this YAML with the axis values put in.</summary>
    public required string ScenarioText { get; init; }

    /// <summary>Independent replications (RNG streams) per grid point; each is its own point.</summary>
    public int Replications { get; init; } = 1;

    /// <summary>The axes in file order; the first varies slowest.</summary>
    public required IReadOnlyList<SweepAxis> Axes { get; init; }
}
