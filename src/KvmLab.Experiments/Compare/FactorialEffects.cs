namespace KvmLab.Experiments.Compare;

/// <summary>
/// Effects of a full 2^k factorial (Montgomery, "Design and Analysis of Experiments", ch. 6): each
/// effect is the mean response where its contrast is + minus the mean where it is -; for a main
/// effect the contrast is the feature's sign, for a two-way interaction the product of the two
/// signs. Its 95% half-width combines the sets' intervals (the effect is a sum of the 2^k set
/// means with weights +-1/2^(k-1)).
/// </summary>
public static class FactorialEffects
{
    public static IReadOnlyList<Effect> Of(IReadOnlyList<string> features, IReadOnlyList<SetResult> sets)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(sets);
        int k = features.Count;
        if (k == 0 || sets.Count != 1 << k)
        {
            return [];
        }

        double baseline = sets[0].Metric.Mean;
        double half = 1 << (k - 1);
        int Sign(SetResult s, string f) => s.Set.On.Contains(f) ? 1 : -1;
        Effect Contrast(string name, string[] of, Func<SetResult, int> sign)
        {
            double value = sets.Sum(s => sign(s) * s.Metric.Mean) / half;
            double ci = Math.Sqrt(sets.Sum(s => double.IsFinite(s.Metric.Ci95) ? s.Metric.Ci95 * s.Metric.Ci95 : 0)) / half;
            return new Effect(name, of, value, ci, 100.0 * value / baseline);
        }

        var effects = new List<Effect>();
        foreach (string f in features)
        {
            effects.Add(Contrast(f, [f], s => Sign(s, f)));
        }

        for (int i = 0; i < k; i++)
        {
            for (int j = i + 1; j < k; j++)
            {
                string a = features[i];
                string b = features[j];
                effects.Add(Contrast($"{a} x {b}", [a, b], s => Sign(s, a) * Sign(s, b)));
            }
        }

        return effects;
    }
}
