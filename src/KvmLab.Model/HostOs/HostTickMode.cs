using KvmLab.Engine.Time;

namespace KvmLab.Model.HostOs;

/// <summary>
/// How the host's periodic scheduler tick runs (kernel/time/tick-sched.c). With CONFIG_NO_HZ_IDLE,
/// the default of distribution kernels, every CPU that is not idle takes the tick at CONFIG_HZ;
/// with nohz_full a CPU running a single task stops it. The ticks of all CPUs fire together
/// (sched_skew_tick=0 by default: tick_setup_sched_timer aligns them to the jiffy), at a phase
/// against the workload that depends on when the host booted: uniformly random.
/// </summary>
/// <param name="StopWithOneTask">nohz_full: no tick while the CPU runs one task and none waits.</param>
/// <param name="Phase">Where the host's jiffy boundaries fall, within one tick period.</param>
public sealed record HostTickMode(bool StopWithOneTask, SimSpan Phase)
{
    public static HostTickMode NohzIdle(SimSpan phase) => new(false, phase);

    public static HostTickMode NohzFull(SimSpan phase) => new(true, phase);
}
