namespace KvmLab.Experiments;

/// <summary>
/// One reproduced published figure: N variants of a scenario, the metric, what the source
/// published and the tolerance (TARGETS.md). Two kinds of judgement, chosen by what the source
/// gives:
/// <list type="bullet">
/// <item>a published change (<see cref="PublishedChangePercent"/>, two variants): the change is
/// (last - first) / first, judged in points (<see cref="ToleranceKind.ChangePoints"/>) or, where
/// both variants carry a published value, each value within a percentage of its own
/// (<see cref="ToleranceKind.EachValuePercent"/>);</item>
/// <item>no change but a published value per variant (a ladder of bars such as Hajnoczi 2020's):
/// each value within <see cref="Tolerance"/> percent, and the variants in the published order
/// (ties within <see cref="TiePercent"/>).</item>
/// </list>
/// Published values never feed the model: the runner reads them only to judge.
/// </summary>
public sealed record Experiment
{
    public required string Id { get; init; }

    public required string Title { get; init; }

    /// <summary>The seed document and what in it this reproduces.</summary>
    public required string Source { get; init; }

    public required string Setup { get; init; }

    /// <summary>The metric name in the run results.</summary>
    public required string Metric { get; init; }

    public required string Unit { get; init; }

    /// <summary>The variants in the source's order (for a change: baseline first, optimized last).</summary>
    public required IReadOnlyList<Variant> Variants { get; init; }

    /// <summary>Where the published numbers come from.</summary>
    public required string Citation { get; init; }

    /// <summary>The published change of the last variant against the first, in percent; null for a ladder judged per variant.</summary>
    public double? PublishedChangePercent { get; init; }

    /// <summary>Points of change, or percent of each published value (<see cref="ToleranceOn"/>).</summary>
    public required double Tolerance { get; init; }

    public ToleranceKind ToleranceOn { get; init; } = ToleranceKind.ChangePoints;

    /// <summary>Published values closer than this (percent) count as a tie when comparing the order (ladders).</summary>
    public double TiePercent { get; init; } = 5;

    /// <summary>True when a cost constant came from this row's own published numbers (TARGETS.md).</summary>
    public bool Calibration { get; init; }

    /// <summary>Choices made where the source is silent, and known gaps.</summary>
    public required string Notes { get; init; }

    /// <summary>
    /// While the row does not reproduce: what it would take, from the row's sensitivity analysis
    /// (<c>kvmlab sensitivity &lt;id&gt;</c>) and exit breakdown, dated (issue 14, item 8; the
    /// tables behind it are in docs/RESULTS.md). A finding, never a cost to set: a value that
    /// would close the gap may not be taken from the row's own result.
    /// </summary>
    public string? WhatWouldItTake { get; init; }

    /// <summary>Independent replications per variant (different RNG streams) for the error bars.</summary>
    public int Replications { get; init; } = 5;

    /// <summary>Run-metric names shown as the per-variant breakdown (they sum to the mean latency).</summary>
    public IReadOnlyList<string> Breakdown { get; init; } = [];

    /// <summary>Run-metric names shown as extra per-variant columns (CPU burned, for example).</summary>
    public IReadOnlyList<string> Extras { get; init; } = [];

    /// <summary>No published change: each variant is judged on its own published value, and all on their order.</summary>
    public bool JudgedPerVariant => PublishedChangePercent is null;

    /// <summary>Judged on each value: a ladder, or a change experiment whose tolerance is on both published values.</summary>
    public bool JudgedOnValues => JudgedPerVariant
        || (ToleranceOn == ToleranceKind.EachValuePercent && Variants.All(v => v.Published is not null));

    public Variant Baseline => Variants[0];

    public Variant Optimized => Variants[^1];
}
