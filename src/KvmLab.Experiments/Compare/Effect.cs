namespace KvmLab.Experiments.Compare;

/// <summary>
/// A factorial effect: the mean metric where the contrast is + minus where it is - (a main effect:
/// the feature on minus off, averaged over every combination of the others; a two-way interaction:
/// both on or both off minus exactly one on), with its 95% half-width and as a percent of the baseline.
/// </summary>
public sealed record Effect(string Name, IReadOnlyList<string> Features, double Value, double Ci95, double PercentOfBaseline);
