using KvmLab.Engine.Time;
using KvmLab.Reporting;

namespace KvmLab.Scenarios.Tests;

public class ScenarioRunnerTests
{
    private static ScenarioSpec KutIpi() =>
        ScenarioLoader.LoadFile(RepoPaths.Scenario("kut-ipi.yaml")) with { Duration = SimSpan.FromMilliseconds(3) };

    [Fact]
    public void SameSpecTwice_GivesIdenticalJson()
    {
        ScenarioSpec spec = KutIpi();
        string a = JsonResults.Run(ScenarioRunner.Run(spec));
        string b = JsonResults.Run(ScenarioRunner.Run(spec));
        Assert.Equal(a, b);
    }

    [Fact]
    public void DifferentReplication_GivesDifferentEvents()
    {
        // Replications draw different RNG streams (halt-poll detection phase), so runs differ.
        ScenarioSpec spec = KutIpi();
        RunResult r0 = ScenarioRunner.Run(spec, replication: 0);
        RunResult r1 = ScenarioRunner.Run(spec, replication: 1);
        Assert.NotEqual(JsonResults.Run(r0), JsonResults.Run(r1));
    }

    [Fact]
    public void Run_ReportsPrimaryMetricAndExitMetrics()
    {
        RunResult r = ScenarioRunner.Run(KutIpi());
        Assert.Equal("cycles_per_ipi", r.PrimaryMetric);
        Assert.True(r.Metric("cycles_per_ipi") > 0);
        Assert.True(r.Metric("exits_per_s.MsrWrite") > 0);
        Assert.True(r.Metric("fastpath_share") > 0);
        Assert.Throws<KeyNotFoundException>(() => r.Metric("nope"));
    }

    [Fact]
    public void WithoutIpiFastpathFeature_NoExitTakesTheFastpath()
    {
        ScenarioSpec spec = KutIpi() with { Features = ["apicv", "halt-polling", "hlt-exits"] };
        RunResult r = ScenarioRunner.Run(spec);
        Assert.Equal(0, r.Metric("fastpath_share"));
    }

    [Fact]
    public void UnknownProfile_Throws()
    {
        ScenarioSpec spec = KutIpi() with { Profile = "nope" };
        Assert.Throws<ScenarioException>(() => ScenarioRunner.Run(spec));
    }
}
