namespace KvmLab.Experiments;

/// <summary>TARGETS.md: reproduced when the model's change has the published sign and lies within the tolerance.</summary>
public static class Verdict
{
    public static bool Judge(double modelChangePercent, double publishedChangePercent, double tolerancePoints) =>
        Math.Sign(modelChangePercent) == Math.Sign(publishedChangePercent)
        && Math.Abs(modelChangePercent - publishedChangePercent) <= tolerancePoints;
}
