namespace KvmLab.Experiments;

/// <summary>What a row's numbers say against the published band, with the model's own noise counted.</summary>
public enum Outcome
{
    /// <summary>The whole 95% interval lies within the published band (and the change has the published sign).</summary>
    Reproduced,

    /// <summary>The whole 95% interval lies outside the published band (or the sign is wrong).</summary>
    NotReproduced,

    /// <summary>The 95% interval reaches both inside and outside the band: the model's noise, not the model, decides.</summary>
    Inconclusive,
}

/// <summary>
/// TARGETS.md: a change is reproduced when it has the published sign and lies within the
/// tolerance; a value when it lies within its percentage; an order when, for every two variants
/// whose published values differ by more than the tie margin, the model ranks them the same way.
/// The outcome adds the model's 95% interval: a point estimate inside the band whose interval
/// leaves it is inconclusive, not reproduced (an equivalence test in the spirit of TOST), so a
/// bimodal row cannot earn a verdict from one lucky seed.
/// </summary>
public static class Verdict
{
    /// <summary>A change (percent) with its 95% half-width (points) against the published change and its tolerance (points).</summary>
    public static Outcome JudgeChange(double modelChangePercent, double ci95Points, double publishedChangePercent, double tolerancePoints)
    {
        double h = double.IsFinite(ci95Points) ? Math.Abs(ci95Points) : 0;
        var (low, high) = ChangeBand(publishedChangePercent, tolerancePoints);
        return Classify(modelChangePercent, h, low, high, Judge(modelChangePercent, publishedChangePercent, tolerancePoints));
    }

    /// <summary>
    /// The changes (percent) that reproduce a published change: within the tolerance and of the
    /// published sign, which is part of the band (a change of the wrong sign never reproduces).
    /// </summary>
    public static (double Low, double High) ChangeBand(double publishedChangePercent, double tolerancePoints)
    {
        double low = publishedChangePercent - tolerancePoints, high = publishedChangePercent + tolerancePoints;
        return publishedChangePercent > 0 ? (Math.Max(low, 0), high)
            : publishedChangePercent < 0 ? (low, Math.Min(high, 0))
            : (low, high);
    }

    /// <summary>A value with its 95% half-width against the published value and its tolerance (percent of it).</summary>
    public static Outcome JudgeValue(double model, double ci95, double published, double tolerancePercent)
    {
        double h = double.IsFinite(ci95) ? Math.Abs(ci95) : 0;
        double band = tolerancePercent / 100.0 * Math.Abs(published);
        return Classify(model, h, published - band, published + band, WithinTolerance(model, published, tolerancePercent));
    }

    private static Outcome Classify(double point, double h, double low, double high, bool pointJudged)
    {
        if (!double.IsFinite(point))
        {
            return Outcome.NotReproduced;
        }

        bool intervalInside = point - h >= low && point + h <= high;
        if (pointJudged && intervalInside)
        {
            return Outcome.Reproduced;
        }

        bool intervalMeetsBand = point + h >= low && point - h <= high;
        return intervalMeetsBand && h > 0 ? Outcome.Inconclusive : Outcome.NotReproduced;
    }

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

/// <summary>An outcome in words for titles and reports.</summary>
public static class OutcomeWords
{
    /// <summary>"reproduced", "NOT reproduced" or "inconclusive".</summary>
    public static string Words(this Outcome o) => o switch
    {
        Outcome.Reproduced => "reproduced",
        Outcome.Inconclusive => "inconclusive",
        _ => "NOT reproduced",
    };
}
