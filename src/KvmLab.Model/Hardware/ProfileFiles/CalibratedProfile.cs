using KvmLab.Model.Hardware;

namespace KvmLab.Model.Hardware.ProfileFiles;

/// <summary>
/// A cost profile made from a probe run, with per-field provenance, the probe medians it was made
/// from (so <c>validate</c> can compare without re-probing) and the environment they came from.
/// </summary>
public sealed record CalibratedProfile
{
    public required CostProfile Profile { get; init; }

    public required string BaseProfile { get; init; }

    public required IReadOnlyList<FieldOrigin> Fields { get; init; }

    /// <summary>Median (ns) of every measured probe, by "suite/name".</summary>
    public required IReadOnlyDictionary<string, double> Measurements { get; init; }

    public required string Environment { get; init; }
}
