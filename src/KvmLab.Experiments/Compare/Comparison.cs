namespace KvmLab.Experiments.Compare;

/// <summary>What `kvmlab compare` found: every set in run order, the ranking, and for a factorial the effects.</summary>
public sealed record Comparison
{
    public required string Scenario { get; init; }

    public required string ScenarioFile { get; init; }

    public required ulong Seed { get; init; }

    public required string Profile { get; init; }

    public required CompareDesign Design { get; init; }

    public required IReadOnlyList<string> Features { get; init; }

    /// <summary>True when the features were not named: every feature that applies to the scenario's platform.</summary>
    public required bool DefaultFeatures { get; init; }

    /// <summary>Features of the platform left out of the defaults, each with why (a set with it could not run).</summary>
    public required IReadOnlyList<(string Feature, string Why)> LeftOut { get; init; }

    /// <summary>Chosen features that hand the guest host resources (FeatureInfo.RequiresTrustedGuest).</summary>
    public required IReadOnlyList<string> TrustedGuestOnly { get; init; }

    public required string Metric { get; init; }

    public required string Unit { get; init; }

    public required bool HigherIsBetter { get; init; }

    /// <summary>The unit of work CPU cost is counted per: a rate metric, or a count over the measured window.</summary>
    public required string WorkMetric { get; init; }

    public required int Replications { get; init; }

    public required IReadOnlyList<SetResult> Sets { get; init; }

    /// <summary>Best first.</summary>
    public required IReadOnlyList<SetResult> Ranked { get; init; }

    /// <summary>Main effects then two-way interactions (factorial design only; empty otherwise).</summary>
    public required IReadOnlyList<Effect> Effects { get; init; }

    public string Version { get; init; } = "";

    public SetResult Baseline => Sets[0];
}
