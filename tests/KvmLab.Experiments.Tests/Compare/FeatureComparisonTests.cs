using KvmLab.Engine.Time;
using KvmLab.Experiments.Catalog;
using KvmLab.Experiments.Compare;
using KvmLab.Policies;
using KvmLab.Scenarios;

namespace KvmLab.Experiments.Tests.Compare;

public class FeatureComparisonTests
{
    [Fact]
    public void ChangeInterval_ComesFromThePairedReplications()
    {
        // cyclictest's start phase is random per replication and shared by every set (same seed,
        // same replication index), so the pairs carry it and the change's interval is the paired one.
        ScenarioSpec spec = ExperimentCatalog.Find(TimerFastpathCyclictest.Id)!.Baseline.Scenario with
        {
            Duration = SimSpan.FromMilliseconds(60),
            Warmup = SimSpan.FromMilliseconds(10),
        };
        Comparison c = FeatureComparison.Run(spec, new CompareOptions { Features = [FeatureCatalog.TimerFastpath], Replications = 5 });
        double[] baseline = [.. c.Baseline.Runs.Select(r => r.Metric(c.Metric))];
        Assert.Equal(0, c.Baseline.ChangeCi95Points);
        foreach (SetResult s in c.Sets.Skip(1))
        {
            double expected = Statistics.PairedChangeCi95Points(baseline, [.. s.Runs.Select(r => r.Metric(c.Metric))]);
            Assert.True(double.IsFinite(expected), s.Set.Name);
            Assert.Equal(expected, s.ChangeCi95Points, 12);
        }
    }
}
