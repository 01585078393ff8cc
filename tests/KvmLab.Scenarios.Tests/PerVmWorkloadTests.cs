using KvmLab.Scenarios;

namespace KvmLab.Scenarios.Tests;

/// <summary>
/// A workload per VM (issue 14, item 4): the sources' overcommitted hosts run different benchmarks
/// in different VMs. A VM's own <c>workload:</c> runs in that VM beside the scenario's workload, its
/// metrics come back as vm&lt;i&gt;.&lt;metric&gt;, and its errors name vms[i].workload.*.
/// </summary>
public class PerVmWorkloadTests
{
    private const string File = "two.yaml";

    private static string Yaml(string vm1Workload, string main = "workload:\n  type: ebizzy\n  threads: 4") => $$"""
        name: two
        seed: 3
        duration: 300ms
        warmup: 10ms
        profile: xeon-8260
        machine: { pcpus: 4 }
        features: [apicv, halt-polling, hlt-exits, ple]
        vms:
          - { vcpus: 4, guest: { hz: 1000 } }
          - vcpus: 4
            guest: { hz: 1000 }
        {{vm1Workload}}
        {{main}}
        """;

    private const string Pbzip2 = "    workload: { type: pbzip2, threads: 4 }";

    [Fact]
    public void AVmsOwnWorkload_IsReadWithItsVmAndKey()
    {
        ScenarioSpec s = ScenarioLoader.Parse(Yaml(Pbzip2), File);
        WorkloadSpec w = Assert.Single(s.VmWorkloads);
        Assert.Equal(("pbzip2", 1, "vms[1].workload"), (w.Type, w.Vm, w.Key));
        Assert.Equal("workload", s.Workload.Key);
        Assert.NotEqual(ScenarioHash.Of(s), ScenarioHash.Of(s with { VmWorkloads = [] }));
    }

    [Fact]
    public void BothWorkloadsRun_TheVmsMetricsArePrefixed_AndEachStaysUnderItsCpus()
    {
        ScenarioSpec s = ScenarioLoader.Parse(Yaml(Pbzip2), File);
        RunResult r = ScenarioRunner.Run(s);
        Assert.True(r.Metric("records_per_s") > 0);
        double blocks = r.Metric("vm1.blocks_per_s");
        Assert.True(blocks > 0);

        // 4 compressors at 90 ms of compute per block on at most 4 pCPUs (shared with the other VM).
        Assert.True(blocks <= 4 / 0.090 + 1e-9, $"{blocks} blocks/s is above the 44.4 ceiling");
        Assert.Equal(r.Metrics, ScenarioRunner.Run(s).Metrics);
    }

    [Fact]
    public void ASharedHost_SlowsTheMainWorkload_AgainstAnIdleNeighbour()
    {
        RunResult alone = ScenarioRunner.Run(ScenarioLoader.Parse(Yaml(""), File));
        RunResult shared = ScenarioRunner.Run(ScenarioLoader.Parse(Yaml(Pbzip2), File));
        Assert.True(shared.Metric("records_per_s") < alone.Metric("records_per_s"));
        Assert.DoesNotContain(alone.Metrics, m => m.Name.StartsWith("vm1.", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("    workload: { type: pbzip2, threads: -1 }", "vms[1].workload.threads")]
    [InlineData("    workload: { type: nope }", "vms[1].workload.type")]
    [InlineData("    workload: { type: pbzip2, vm: 0 }", "vms[1].workload.vm")]
    [InlineData("    workload: { type: pbzip2, bogus: 1 }", "vms[1].workload.bogus")]
    public void ABadVmWorkload_IsOneLineNamingItsKey(string vm1Workload, string key)
    {
        var e = Assert.Throws<ScenarioException>(() => ScenarioLoader.Parse(Yaml(vm1Workload), File));
        Assert.Equal(key, e.Key);
        Assert.StartsWith(File + ":", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AVmRunsOneWorkload()
    {
        var e = Assert.Throws<ScenarioException>(() => ScenarioLoader.Parse(Yaml(Pbzip2, "workload:\n  type: ebizzy\n  vm: 1"), File));
        Assert.Equal("vms[1].workload", e.Key);
        Assert.Contains("already runs workload", e.Message, StringComparison.Ordinal);
    }
}
