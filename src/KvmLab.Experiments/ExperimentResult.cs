namespace KvmLab.Experiments;

/// <summary>The model's numbers beside the published ones, and the verdict.</summary>
public sealed record ExperimentResult
{
    public required Experiment Experiment { get; init; }

    public required ulong Seed { get; init; }

    /// <summary>In the experiment's variant order.</summary>
    public required IReadOnlyList<VariantResult> Variants { get; init; }

    /// <summary>(last - first) / first in percent (the change of an optimization).</summary>
    public required double ModelChangePercent { get; init; }

    /// <summary>95% half-width of the change, from the two variants' intervals (first-order propagation).</summary>
    public required double ModelChangeCi95Points { get; init; }

    /// <summary>Pairs of variants (by name) that the model ranks against the published order (ladders).</summary>
    public required IReadOnlyList<(string Lower, string Higher)> OrderViolations { get; init; }

    /// <summary>False when the variants ran on a setup other than the published one (a scenario override): no verdict then.</summary>
    public bool Comparable { get; init; } = true;

    /// <summary>The baseline's profile in one line: fields measured, fitted, estimated, and where it comes from (<see cref="KvmLab.Model.Hardware.CostProfile.ProvenanceLine"/>).</summary>
    public string ProfileProvenance { get; init; } = "";

    /// <summary>Describes the override when not comparable.</summary>
    public string? Override { get; init; }

    public VariantResult Baseline => Variants[0];

    public VariantResult Optimized => Variants[^1];

    public bool OrderReproduced => OrderViolations.Count == 0;

    public int VariantsWithinTolerance => Variants.Count(v => v.WithinTolerance);

    /// <summary>
    /// The row's outcome with the model's 95% intervals counted (<see cref="Verdict"/>). A ladder is
    /// reproduced when every value is and the order holds; not reproduced when a value is not or
    /// the order breaks; inconclusive otherwise. Not comparable (an override): not reproduced.
    /// </summary>
    public Outcome Outcome => !Comparable
        ? Outcome.NotReproduced
        : Experiment.JudgedOnValues
            ? Variants.Any(v => v.Outcome == Outcome.NotReproduced) || !OrderReproduced
                ? Outcome.NotReproduced
                : Variants.All(v => v.Outcome == Outcome.Reproduced) ? Outcome.Reproduced : Outcome.Inconclusive
            : Verdict.JudgeChange(ModelChangePercent, ModelChangeCi95Points, Experiment.PublishedChangePercent ?? double.NaN, Experiment.Tolerance);

    public bool Reproduced => Outcome == Outcome.Reproduced;
}
