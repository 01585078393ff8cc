namespace KvmLab.Experiments;

/// <summary>A ladder's rungs side by side with the published values, and the overall verdict.</summary>
public sealed record LadderResult
{
    public required LadderExperiment Experiment { get; init; }

    public required ulong Seed { get; init; }

    public required IReadOnlyList<LadderRungResult> Rungs { get; init; }

    /// <summary>Pairs of rungs (by name) that the model ranks against the published order.</summary>
    public required IReadOnlyList<(string Lower, string Higher)> OrderViolations { get; init; }

    /// <summary>False when the rungs ran on a setup other than the published one (a scenario override): no verdict then.</summary>
    public bool Comparable { get; init; } = true;

    /// <summary>Describes the override when not comparable.</summary>
    public string? Override { get; init; }

    public bool OrderReproduced => OrderViolations.Count == 0;

    public int RungsWithinTolerance => Rungs.Count(r => r.WithinTolerance);

    public bool Reproduced => Comparable && OrderReproduced && Rungs.All(r => r.WithinTolerance);
}
