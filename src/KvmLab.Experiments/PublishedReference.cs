namespace KvmLab.Experiments;

/// <summary>
/// What a source published, printed beside the model's numbers. It never feeds the model: the
/// runner reads it only to judge the verdict.
/// </summary>
public sealed record PublishedReference(double ChangePercent, double? Baseline, double? Optimized, string Citation);
