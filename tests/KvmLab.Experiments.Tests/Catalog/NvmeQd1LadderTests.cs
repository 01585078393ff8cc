using KvmLab.Experiments.Catalog;

namespace KvmLab.Experiments.Tests.Catalog;

public class NvmeQd1LadderTests
{
    [Fact]
    public void EightVariants_InPublishedOrder_WithTargetsValues()
    {
        Experiment e = NvmeQd1Ladder.Create();
        Assert.Equal(
            ["bare-metal", "bare-metal-iopoll", "aio-native", "iothread", "userspace-nvme", "guest-iopoll", "polled-queues", "aio-fastpath"],
            e.Variants.Select(r => r.Name));
        Assert.Equal([78_000.0, 120_000, 21_000, 46_000, 55_000, 80_000, 94_000, 104_000], e.Variants.Select(r => r.Published!.Value));
        Assert.Equal(15, e.Tolerance);
        Assert.True(e.JudgedPerVariant);
        Assert.False(e.Calibration);
        Assert.Equal(e.Id, ExperimentCatalog.Find(NvmeQd1Ladder.Id)!.Id);
        Assert.Contains(NvmeQd1Ladder.Id, ExperimentCatalog.AllIds);
    }

    [Fact]
    public void Run_IsFast_Deterministic_AndBreakdownsSumToLatency()
    {
        Experiment e = NvmeQd1Ladder.Create() with { Replications = 2 };
        ExperimentResult a = ExperimentRunner.Run(e, 42);
        ExperimentResult b = ExperimentRunner.Run(e, 42, new RunOptions { Jobs = 2 });
        Assert.Equal(a.Variants.Select(r => r.Mean), b.Variants.Select(r => r.Mean));
        foreach (VariantResult r in a.Variants)
        {
            double sum = e.Breakdown.Sum(m => r.Metrics[m]);
            Assert.Equal(r.Metrics["lat_mean"], sum, precision: 2);
            Assert.True(r.Metrics["cpu_total"] > 0);
            // At QD1, IOPS is one over the mean latency.
            Assert.InRange(r.Mean * r.Metrics["lat_mean"] / 1e6, 0.97, 1.03);
        }

        Assert.True(a.Comparable);
    }

    [Fact]
    public void Run_WithOverride_IsNotJudged()
    {
        Experiment e = NvmeQd1Ladder.Create() with { Replications = 1 };
        ExperimentResult r = ExperimentRunner.Run(e, 1, new RunOptions { Rewrite = s => s, OverrideDescription = "iodepth=8" });
        Assert.False(r.Comparable);
        Assert.False(r.Reproduced);
        Assert.Equal("iodepth=8", r.Override);
    }
}
