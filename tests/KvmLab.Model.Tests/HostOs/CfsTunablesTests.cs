using KvmLab.Engine.Time;
using KvmLab.Model.HostOs;

namespace KvmLab.Model.Tests.HostOs;

/// <summary>
/// kernel/sched/fair.c (v5.10) get_update_sysctl_factor with SCHED_TUNABLESCALING_LOG:
/// factor = 1 + ilog2(min(num_online_cpus(), 8)); sysctl_sched_latency 6 ms,
/// sysctl_sched_min_granularity 0.75 ms and sysctl_sched_wakeup_granularity 1 ms are scaled by it.
/// </summary>
public class CfsTunablesTests
{
    [Fact]
    public void OneCpu_BaseValues()
    {
        var t = CfsTunables.ForCpus(1);
        Assert.Equal(SimSpan.FromMilliseconds(6), t.Latency);
        Assert.Equal(SimSpan.FromMicroseconds(750), t.MinGranularity);
        Assert.Equal(SimSpan.FromMilliseconds(1), t.WakeupGranularity);
    }

    [Fact]
    public void FourCpus_FactorThree()
    {
        var t = CfsTunables.ForCpus(4);
        Assert.Equal(SimSpan.FromMilliseconds(18), t.Latency);
        Assert.Equal(SimSpan.FromMicroseconds(2250), t.MinGranularity);
        Assert.Equal(SimSpan.FromMilliseconds(3), t.WakeupGranularity);
    }

    [Theory]
    [InlineData(8)]
    [InlineData(96)]
    public void EightOrMoreCpus_FactorCappedAtFour(int cpus)
    {
        var t = CfsTunables.ForCpus(cpus);
        Assert.Equal(SimSpan.FromMilliseconds(24), t.Latency);
        Assert.Equal(SimSpan.FromMilliseconds(3), t.MinGranularity);
        Assert.Equal(SimSpan.FromMilliseconds(4), t.WakeupGranularity);
    }

    [Fact]
    public void Period_StretchesBeyondNrLatency()
    {
        // __sched_period: nr_running > sched_nr_latency (8) -> nr_running * min_granularity.
        var t = CfsTunables.ForCpus(1);
        Assert.Equal(8, t.NrLatency);
        Assert.Equal(SimSpan.FromMilliseconds(6), t.Period(8));
        Assert.Equal(SimSpan.FromMicroseconds(750 * 10), t.Period(10));
    }
}
