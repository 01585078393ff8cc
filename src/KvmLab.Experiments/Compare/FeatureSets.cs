namespace KvmLab.Experiments.Compare;

/// <summary>
/// The feature sets of a design. The baseline is the scenario's features without the chosen
/// ones; every other set adds some of the chosen ones back. Sets with the same features as an
/// earlier set are left out (with one feature, "all" is "+a" and "-a" is the baseline).
/// </summary>
public static class FeatureSets
{
    /// <summary>2^6 = 64 combinations: beyond that a factorial is hours of runs, not an answer.</summary>
    public const int MaxFactorial = 6;

    public static IReadOnlyList<FeatureSet> Of(IReadOnlyList<string> scenarioFeatures, IReadOnlyList<string> chosen, CompareDesign design)
    {
        ArgumentNullException.ThrowIfNull(scenarioFeatures);
        ArgumentNullException.ThrowIfNull(chosen);
        if (design == CompareDesign.Factorial && chosen.Count > MaxFactorial)
        {
            throw new ArgumentException($"a factorial design takes at most {MaxFactorial} features ({chosen.Count} given: 2^{chosen.Count} combinations)");
        }

        string[] baseline = [.. scenarioFeatures.Where(f => !chosen.Contains(f))];
        var sets = new List<FeatureSet>();
        void Add(string name, string kind, IEnumerable<string> on)
        {
            string[] o = [.. chosen.Where(on.Contains)];
            // Feature lists keep the scenario's order, then the chosen features in the order given.
            string[] features = [.. baseline, .. o];
            if (!sets.Any(s => s.On.Order(StringComparer.Ordinal).SequenceEqual(o.Order(StringComparer.Ordinal))))
            {
                sets.Add(new FeatureSet(name, kind, o, features));
            }
        }

        Add("baseline", "baseline", []);
        if (design == CompareDesign.Factorial)
        {
            for (int mask = 1; mask < 1 << chosen.Count; mask++)
            {
                string[] on = [.. chosen.Where((_, i) => (mask & (1 << i)) != 0)];
                Add(string.Concat(on.Select(f => "+" + f)), on.Length == chosen.Count ? "all" : on.Length == 1 ? "alone" : "combination", on);
            }

            return sets;
        }

        if (design == CompareDesign.OneAtATime)
        {
            foreach (string f in chosen)
            {
                Add("+" + f, "alone", [f]);
            }
        }

        Add("all", "all", chosen);
        foreach (string f in chosen)
        {
            Add("-" + f, "left-out", chosen.Where(x => x != f));
        }

        return sets;
    }
}
