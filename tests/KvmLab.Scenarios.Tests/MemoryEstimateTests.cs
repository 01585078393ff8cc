namespace KvmLab.Scenarios.Tests;

public class MemoryEstimateTests
{
    private const string File = "mem.yaml";

    private static ScenarioSpec Hackbench(int groups) => ScenarioLoader.Parse($"""
        name: mem
        duration: 2ms
        warmup: 0ms
        vms:
          - vcpus: 2
        workload:
          type: hackbench
          groups: {groups}
        """, File);

    [Fact]
    public void HugeHackbench_IsRefusedAtOnce_NamingGroupsAndTheFlag()
    {
        // 1,000,000 groups x 20 fds x 2 = 40 million guest tasks: about 16 GB measured at a tenth of that.
        var e = Assert.Throws<ScenarioException>(() => MemoryEstimate.Check(Hackbench(1_000_000), MemoryEstimate.DefaultLimitBytes));
        Assert.Equal("workload.groups", e.Key);
        Assert.Equal(8, e.Line);
        Assert.Contains("40000000 guest tasks for 1000000 groups x 20 fds x 2", e.Message, StringComparison.Ordinal);
        Assert.Contains("more than the limit of 4 GiB", e.Message, StringComparison.Ordinal);
        Assert.Contains("--max-memory 24G", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RaisingTheLimit_AcceptsIt()
    {
        MemoryEstimate.Check(Hackbench(1_000_000), 32L << 30);
    }

    [Fact]
    public void Estimate_GrowsWithTheCount()
    {
        Assert.True(MemoryEstimate.Of(Hackbench(1000)).Bytes < MemoryEstimate.Of(Hackbench(100_000)).Bytes);
    }

    [Theory]
    [InlineData("kut-ipi.yaml")]
    [InlineData("hackbench-avic.yaml")]
    [InlineData("memcached.yaml")]
    [InlineData("overcommit-ebizzy.yaml")]
    [InlineData("cyclictest.yaml")]
    [InlineData("fio-iothread.yaml")]
    public void ShippedScenarios_AreFarBelowTheDefaultLimit(string name)
    {
        // Measured peak resident set 45-50 MB each; the estimate errs high but within a factor of two.
        long bytes = MemoryEstimate.Of(ScenarioLoader.LoadFile(RepoPaths.Scenario(name))).Bytes;
        Assert.InRange(bytes, 45L << 20, 100L << 20);
    }

    [Fact]
    public void TheLargestPart_IsNamedForAVmWithManyVcpus()
    {
        ScenarioSpec s = ScenarioLoader.LoadFile(RepoPaths.Scenario("hackbench-avic.yaml"));
        var e = Assert.Throws<ScenarioException>(() => MemoryEstimate.Check(s, 1 << 20));
        Assert.Equal("vms[0].vcpus", e.Key);
    }
}
