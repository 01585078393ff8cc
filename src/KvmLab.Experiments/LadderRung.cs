using KvmLab.Scenarios;

namespace KvmLab.Experiments;

/// <summary>One bar of a ladder: a configuration, its scenario and the published value beside it.</summary>
public sealed record LadderRung(string Name, string Description, ScenarioSpec Scenario, double Published);
