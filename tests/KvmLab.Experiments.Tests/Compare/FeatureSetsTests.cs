using KvmLab.Experiments.Compare;

namespace KvmLab.Experiments.Tests.Compare;

public class FeatureSetsTests
{
    private static readonly string[] Scenario = ["apicv", "halt-polling", "timer-fastpath"];

    [Fact]
    public void OneAtATime_IsBaselineEachAloneAllAndEachLeftOut()
    {
        IReadOnlyList<FeatureSet> sets = FeatureSets.Of(Scenario, ["timer-fastpath", "passthrough-timer", "ple"], CompareDesign.OneAtATime);
        Assert.Equal(["baseline", "+timer-fastpath", "+passthrough-timer", "+ple", "all", "-timer-fastpath", "-passthrough-timer", "-ple"], sets.Select(s => s.Name));
        // The baseline is the scenario's features without the chosen ones.
        Assert.Equal(["apicv", "halt-polling"], sets[0].Features);
        Assert.Equal(["apicv", "halt-polling", "timer-fastpath", "passthrough-timer", "ple"], sets[4].Features);
        Assert.Equal(["passthrough-timer", "ple"], sets[5].On);
        // With two features, each left out of all is the other alone and is not run twice.
        Assert.Equal(4, FeatureSets.Of(Scenario, ["timer-fastpath", "ple"], CompareDesign.OneAtATime).Count);
    }

    [Fact]
    public void OneFeature_DuplicateSetsAreLeftOut()
    {
        // "all" is "+a" and "-a" is the baseline.
        Assert.Equal(["baseline", "+timer-fastpath"], FeatureSets.Of(Scenario, ["timer-fastpath"], CompareDesign.OneAtATime).Select(s => s.Name));
    }

    [Fact]
    public void LeaveOneOut_AndFactorial()
    {
        Assert.Equal(["baseline", "all", "-a", "-b"], FeatureSets.Of([], ["a", "b"], CompareDesign.LeaveOneOut).Select(s => s.Name));
        IReadOnlyList<FeatureSet> f = FeatureSets.Of([], ["a", "b", "c"], CompareDesign.Factorial);
        Assert.Equal(8, f.Count);
        Assert.Equal(["baseline", "+a", "+b", "+a+b", "+c", "+a+c", "+b+c", "+a+b+c"], f.Select(s => s.Name));
        Assert.Throws<ArgumentException>(() => FeatureSets.Of([], ["a", "b", "c", "d", "e", "f", "g"], CompareDesign.Factorial));
    }

    [Fact]
    public void FactorialEffects_AreContrastsOfTheSetMeans()
    {
        // y = 10 + 4a + 2b + 1ab (a, b in {0, 1}): main effect of a = 4 + 0.5, of b = 2 + 0.5, interaction = 0.5.
        IReadOnlyList<FeatureSet> sets = FeatureSets.Of([], ["a", "b"], CompareDesign.Factorial);
        SetResult R(FeatureSet s)
        {
            int a = s.On.Contains("a") ? 1 : 0;
            int b = s.On.Contains("b") ? 1 : 0;
            return new SetResult
            {
                Set = s,
                Runs = [],
                Metric = new MetricSummary("m", "us", 10 + (4 * a) + (2 * b) + (a * b), 0.1, false),
                ChangePercent = 0,
                ChangeCi95Points = 0,
                CpuCores = 0,
                CpuUsPerWork = 0,
                ExitDeltas = [],
                ChangesNothing = false,
            };
        }

        IReadOnlyList<Effect> e = FactorialEffects.Of(["a", "b"], [.. sets.Select(R)]);
        Assert.Equal(["a", "b", "a x b"], e.Select(x => x.Name));
        Assert.Equal(4.5, e[0].Value, 9);
        Assert.Equal(2.5, e[1].Value, 9);
        Assert.Equal(0.5, e[2].Value, 9);
        Assert.Equal(45, e[0].PercentOfBaseline, 9);
        Assert.Equal(0.1, e[0].Ci95, 9); // sqrt(4 x 0.01) / 2
    }
}
