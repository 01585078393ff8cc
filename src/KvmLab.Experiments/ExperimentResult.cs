namespace KvmLab.Experiments;

/// <summary>The model's numbers beside the published ones, and the verdict.</summary>
public sealed record ExperimentResult
{
    public required Experiment Experiment { get; init; }

    public required ulong Seed { get; init; }

    public required VariantResult Baseline { get; init; }

    public required VariantResult Optimized { get; init; }

    public required double ModelChangePercent { get; init; }

    /// <summary>95% half-width of the change, from the variants' intervals (first-order propagation).</summary>
    public required double ModelChangeCi95Points { get; init; }

    public bool Reproduced => Experiment.ToleranceOnValues
        && Experiment.Published.Baseline is double pb && Experiment.Published.Optimized is double po
        ? Verdict.JudgeValues(Baseline.Mean, Optimized.Mean, pb, po, Experiment.TolerancePoints)
        : Verdict.Judge(ModelChangePercent, Experiment.Published.ChangePercent, Experiment.TolerancePoints);
}
