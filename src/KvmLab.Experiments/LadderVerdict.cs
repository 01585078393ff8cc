namespace KvmLab.Experiments;

/// <summary>
/// TARGETS.md for ladders: each rung within its tolerance, and the same order. "Same order" is
/// checked pairwise: for every two rungs whose published values differ by more than the tie
/// margin, the model must rank them the same way.
/// </summary>
public static class LadderVerdict
{
    public static bool WithinTolerance(double model, double published, double tolerancePercent) =>
        double.IsFinite(model) && Math.Abs(model - published) <= tolerancePercent / 100.0 * Math.Abs(published);

    public static IReadOnlyList<(string Lower, string Higher)> OrderViolations(IReadOnlyList<(string Name, double Model, double Published)> rungs, double tiePercent)
    {
        ArgumentNullException.ThrowIfNull(rungs);
        var bad = new List<(string, string)>();
        for (int i = 0; i < rungs.Count; i++)
        {
            for (int j = 0; j < rungs.Count; j++)
            {
                var (a, b) = (rungs[i], rungs[j]);
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
