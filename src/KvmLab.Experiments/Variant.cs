using KvmLab.Scenarios;

namespace KvmLab.Experiments;

/// <summary>One configuration of an experiment (fastpath off, fastpath on; a bar of a ladder).</summary>
public sealed record Variant(string Name, ScenarioSpec Scenario)
{
    /// <summary>What this configuration adds (shown for ladders).</summary>
    public string Description { get; init; } = "";

    /// <summary>The source's value of the metric for this configuration, when it gives one.</summary>
    public double? Published { get; init; }
}
