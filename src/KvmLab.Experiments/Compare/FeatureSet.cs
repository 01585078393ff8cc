namespace KvmLab.Experiments.Compare;

/// <summary>
/// One configuration `compare` runs: a name ("baseline", "+a", "all", "-a", "+a+b"), the chosen
/// features it turns on, and the scenario's whole feature list for it.
/// </summary>
public sealed record FeatureSet(string Name, string Kind, IReadOnlyList<string> On, IReadOnlyList<string> Features);
