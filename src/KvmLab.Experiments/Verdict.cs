namespace KvmLab.Experiments;

/// <summary>
/// TARGETS.md: a change is reproduced when it has the published sign and lies within the
/// tolerance; a value when it lies within its percentage; an order when, for every two variants
/// whose published values differ by more than the tie margin, the model ranks them the same way.
/// </summary>
public static class Verdict
{
    public static bool Judge(double modelChangePercent, double publishedChangePercent, double tolerancePoints) =>
        double.IsFinite(modelChangePercent)
        && Math.Sign(modelChangePercent) == Math.Sign(publishedChangePercent)
        && Math.Abs(modelChangePercent - publishedChangePercent) <= tolerancePoints;

    public static bool WithinTolerance(double model, double published, double tolerancePercent) =>
        double.IsFinite(model) && Math.Abs(model - published) <= tolerancePercent / 100.0 * Math.Abs(published);

    public static IReadOnlyList<(string Lower, string Higher)> OrderViolations(IReadOnlyList<(string Name, double Model, double Published)> variants, double tiePercent)
    {
        ArgumentNullException.ThrowIfNull(variants);
        var bad = new List<(string, string)>();
        for (int i = 0; i < variants.Count; i++)
        {
            for (int j = 0; j < variants.Count; j++)
            {
                var (a, b) = (variants[i], variants[j]);
                bool publishedLower = a.Published < b.Published
                    && (b.Published - a.Published) > tiePercent / 100.0 * Math.Max(Math.Abs(a.Published), Math.Abs(b.Published));
                if (publishedLower && !(a.Model < b.Model))
                {
                    bad.Add((a.Name, b.Name));
                }
            }
        }

        return bad;
    }
}
