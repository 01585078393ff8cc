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

    [Fact]
    public void AvicOnAnIntelProfile_IsRefused()
    {
        ScenarioSpec spec = KutIpi() with { Features = ["avic", "halt-polling", "hlt-exits"] };
        var e = Assert.Throws<ScenarioException>(() => ScenarioRunner.Run(spec));
        Assert.Contains("needs an AMD host", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ApicVOnAnAmdProfile_IsRefused()
    {
        ScenarioSpec spec = KutIpi() with { Profile = "amd-rome-2020" };
        var e = Assert.Throws<ScenarioException>(() => ScenarioRunner.Run(spec));
        Assert.Contains("'apicv' needs Intel VMX", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AvicWithAnX2ApicGuest_IsRefused()
    {
        ScenarioSpec spec = KutIpi() with { Profile = "amd-rome-2020", Features = ["avic", "hlt-exits"] };
        var e = Assert.Throws<ScenarioException>(() => ScenarioRunner.Run(spec));
        Assert.Contains("xAPIC guests only", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Cyclictest_PrintsRtTestsStyleLine()
    {
        ScenarioSpec spec = ScenarioLoader.LoadFile(RepoPaths.Scenario("cyclictest.yaml")) with { Duration = SimSpan.FromMilliseconds(60) };
        RunResult r = ScenarioRunner.Run(spec);
        string line = Assert.Single(r.Summary);
        Assert.StartsWith("T: 0 P: 0 I:1000 C:", line, StringComparison.Ordinal);
        Assert.True(r.Metric("latency_min") <= r.Metric("latency_avg"));
        Assert.True(r.Metric("latency_avg") <= r.Metric("latency_max"));
    }

    [Fact]
    public void Memcached_BadRatio_NamesTheParameter()
    {
        var spec = new ScenarioSpec
        {
            Vms = [new VmSpec { Vcpus = 2 }],
            Workload = new WorkloadSpec { Type = "memcached", Parameters = new Dictionary<string, ScalarValue> { ["set_ratio"] = new("1-10", 9) } },
        };
        var e = Assert.Throws<ScenarioException>(() => ScenarioRunner.Run(spec));
        Assert.Equal("workload.set_ratio", e.Key);
        Assert.Equal(9, e.Line);
    }

    [Fact]
    public void Pbzip2_WithHostHogs_CompressesBlocks_AndHogsTakeCpu()
    {
        var spec = new ScenarioSpec
        {
            Duration = SimSpan.FromMilliseconds(400),
            Warmup = SimSpan.FromMilliseconds(100),
            Machine = new Model.Hardware.MachineSpec { Pcpus = 4, HostHogs = 2 },
            Features = ["apicv", "halt-polling", "hlt-exits", "ple"],
            Vms = [new VmSpec { Vcpus = 4 }],
            Workload = new WorkloadSpec { Type = "pbzip2" },
        };
        RunResult r = ScenarioRunner.Run(spec);

        // 4 consumers at 90 ms a block on 4 pCPUs shared with 2 hogs: well under 44 blocks/s.
        Assert.InRange(r.Metric("blocks_per_s"), 1, 44);
        Assert.True(r.Metric("host_context_switches_per_s") > 0);
    }
}
