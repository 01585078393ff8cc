namespace KvmLab.Model.Tests.Workloads;

/// <summary>Same host, same seed: the same events in the same order, so the same numbers.</summary>
public class DeterminismTests
{
    [Fact]
    public void TwoIdenticalRuns_GiveIdenticalMetricsAndEventCounts()
    {
        var a = new KutIpiHarness(seed: 5).Run();
        var b = new KutIpiHarness(seed: 5).Run();

        Assert.Equal(a.Sim.EventsProcessed, b.Sim.EventsProcessed);
        Assert.Equal(a.Sim.Now, b.Sim.Now);
        Assert.Equal(a.Report(), b.Report());
    }
}
