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

    public static ProbeResult Skipped(string suite, string name, string description, string reason) =>
        new() { Suite = suite, Name = name, Description = description, Status = ProbeStatus.Skipped, Reason = reason };

    public static ProbeResult Failed(string suite, string name, string description, string reason) =>
        new() { Suite = suite, Name = name, Description = description, Status = ProbeStatus.Failed, Reason = reason };

    public static ProbeResult Measured(string suite, string name, string description, IReadOnlyList<double> samples, double overheadNs) =>
        new() { Suite = suite, Name = name, Description = description, Status = ProbeStatus.Measured, Samples = samples, Summary = SampleSummary.Of(samples), OverheadNs = overheadNs };
}
