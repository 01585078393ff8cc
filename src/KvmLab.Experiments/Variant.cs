using KvmLab.Scenarios;

namespace KvmLab.Experiments;

/// <summary>One configuration of an experiment (for example fastpath off, fastpath on).</summary>
public sealed record Variant(string Name, ScenarioSpec Scenario);
