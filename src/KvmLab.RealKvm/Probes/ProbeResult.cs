namespace KvmLab.RealKvm.Probes;

/// <summary>
/// One probe's outcome: the summary of its samples after the measured overhead was subtracted,
/// the overhead itself, and the raw samples (ns, warm-up dropped) to keep; or why it was skipped.
/// </summary>
public sealed record ProbeResult
{
    public required string Suite { get; init; }

    public required string Name { get; init; }

    public required string Description { get; init; }

    public required ProbeStatus Status { get; init; }

    public string Reason { get; init; } = "";

    public SampleSummary? Summary { get; init; }

    /// <summary>Median of the baseline loop (ns) subtracted from every sample; 0 when the probe measures a whole round trip.</summary>
    public double OverheadNs { get; init; }

    public IReadOnlyList<double> Samples { get; init; } = [];

    /// <summary>Selected KVM statistics of the measured vCPU after the run (KVM_GET_STATS_FD); empty where unsupported.</summary>
    public IReadOnlyDictionary<string, ulong> Counters { get; init; } = new Dictionary<string, ulong>();

    /// <summary>A remark the numbers need (for example: KVM counted no exit per iteration).</summary>
    public string Note { get; init; } = "";

    /// <summary>For exit probes: whether KVM's own exit counter rose at least once per iteration; null when unknown.</summary>
    public bool? ExitsConfirmed { get; init; }

    /// <summary>Which vCPU <see cref="Counters"/> belong to.</summary>
    public int CountersVcpu { get; init; }

    public static ProbeResult Skipped(string suite, string name, string description, string reason) =>
        new() { Suite = suite, Name = name, Description = description, Status = ProbeStatus.Skipped, Reason = reason };

    public static ProbeResult Failed(string suite, string name, string description, string reason) =>
        new() { Suite = suite, Name = name, Description = description, Status = ProbeStatus.Failed, Reason = reason };

    public static ProbeResult Measured(string suite, string name, string description, IReadOnlyList<double> samples, double overheadNs) =>
        new() { Suite = suite, Name = name, Description = description, Status = ProbeStatus.Measured, Samples = samples, Summary = SampleSummary.Of(samples), OverheadNs = overheadNs };
}
