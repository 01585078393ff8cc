namespace KvmLab.Calibration.Catalog;

/// <summary>What a fit should do with an entry (data/measurements/README.md, key `use`).</summary>
public enum EntryUse
{
    /// <summary>A fit target.</summary>
    Fit,

    /// <summary>A bound on a field (`bound_kind` says which side).</summary>
    Bound,

    /// <summary>A table value the profile takes as it is (intel_idle exit latencies).</summary>
    Fixed,

    /// <summary>Informative only.</summary>
    Context,
}

/// <summary>
/// One published, independent measurement of a platform (data/measurements/&lt;platform&gt;.yaml):
/// what the model computes for it, the value with its unit, where it was measured and how, and
/// the citation. Loaded by <see cref="MeasurementCatalog"/>; every key is documented in
/// data/measurements/README.md.
/// </summary>
public sealed record MeasurementEntry
{
    public required string Id { get; init; }

    public required string Quantity { get; init; }

    public required double Value { get; init; }

    /// <summary>cycles, ns, us or IOPS.</summary>
    public required string Unit { get; init; }

    public string? Statistic { get; init; }

    public string? Cpu { get; init; }

    public string? CpuMatch { get; init; }

    /// <summary>The measured host's TSC rate (to convert cycles), when known.</summary>
    public double? TscGhz { get; init; }

    public string? Kernel { get; init; }

    /// <summary>The configuration the source states (mitigations, apicv, timer_advance_ns, ...); values as text, null when unknown.</summary>
    public IReadOnlyDictionary<string, string?> Config { get; init; } = new Dictionary<string, string?>();

    /// <summary>How the model sets it up: workload, test, vcpus, features, ...</summary>
    public IReadOnlyDictionary<string, string> Scenario { get; init; } = new Dictionary<string, string>();

    /// <summary>Features the scenario names (the `scenario.features` list).</summary>
    public IReadOnlyList<string> Features { get; init; } = [];

    public required string Citation { get; init; }

    public string? Url { get; init; }

    public string? Verified { get; init; }

    public string? Note { get; init; }

    public EntryUse Use { get; init; } = EntryUse.Fit;

    /// <summary>The experiment whose patch series or benchmark this entry shares (never its published result).</summary>
    public string? RelatedTarget { get; init; }

    public bool Bound { get; init; }

    /// <summary>lower or upper, for a bound.</summary>
    public string? BoundKind { get; init; }

    /// <summary>An experiment's own published value (must make that experiment a calibration); no catalog entry has it.</summary>
    public bool Calibration { get; init; }

    /// <summary>The line of the entry in its file, for messages.</summary>
    public int Line { get; init; }

    /// <summary>The value in nanoseconds where the unit is a time (cycles converted at the entry's, else the catalog's, TSC rate); null otherwise.</summary>
    public double? Nanoseconds(double catalogTscGhz) => Unit switch
    {
        "ns" => Value,
        "us" => Value * 1000,
        "cycles" when (TscGhz ?? catalogTscGhz) > 0 => Value / (TscGhz ?? catalogTscGhz),
        _ => null,
    };
}
