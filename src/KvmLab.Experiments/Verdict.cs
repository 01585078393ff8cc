namespace KvmLab.Experiments;

/// <summary>TARGETS.md: reproduced when the model's change has the published sign and lies within the tolerance.</summary>
public static class Verdict
{
    public static bool Judge(double modelChangePercent, double publishedChangePercent, double tolerancePoints) =>
        double.IsFinite(modelChangePercent)
        && Math.Sign(modelChangePercent) == Math.Sign(publishedChangePercent)
        && Math.Abs(modelChangePercent - publishedChangePercent) <= tolerancePoints;

    /// <summary>Reproduced when each model value lies within <paramref name="tolerancePercent"/> of its published value.</summary>
    public static bool JudgeValues(double modelBaseline, double modelOptimized, double publishedBaseline, double publishedOptimized, double tolerancePercent) =>
        Math.Abs(modelBaseline - publishedBaseline) <= tolerancePercent / 100 * Math.Abs(publishedBaseline)
        && Math.Abs(modelOptimized - publishedOptimized) <= tolerancePercent / 100 * Math.Abs(publishedOptimized);
}
