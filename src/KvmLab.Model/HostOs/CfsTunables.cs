using KvmLab.Engine.Time;

namespace KvmLab.Model.HostOs;

/// <summary>
/// CFS tunables as Linux 5.10 sets them (kernel/sched/fair.c): base values scaled by
/// 1 + ilog2(min(online CPUs, 8)) (SCHED_TUNABLESCALING_LOG, get_update_sysctl_factor).
/// </summary>
public sealed record CfsTunables(SimSpan Latency, SimSpan MinGranularity, SimSpan WakeupGranularity)
{
    public static CfsTunables ForCpus(int onlineCpus)
    {
        int cpus = Math.Clamp(onlineCpus, 1, 8);
        int factor = 1 + (int)Math.Log2(cpus);
        return new CfsTunables(
            SimSpan.FromMilliseconds(6) * factor,       // sysctl_sched_latency 6 ms
            SimSpan.FromMicroseconds(750) * factor,     // sysctl_sched_min_granularity 0.75 ms
            SimSpan.FromMilliseconds(1) * factor);      // sysctl_sched_wakeup_granularity 1 ms
    }

    /// <summary>
    /// sysctl_sched_migration_cost: 0.5 ms, not scaled with the CPU count. task_hot calls a task
    /// that ran this recently cache hot; newidle_balance does not run on a CPU that idles less on average.
    /// </summary>
    public SimSpan MigrationCost { get; init; } = SimSpan.FromMicroseconds(500);

    /// <summary>sched_nr_latency = latency / min_granularity (8 with the defaults).</summary>
    public int NrLatency => (int)(Latency.Ns / MinGranularity.Ns);

    /// <summary>__sched_period: stretch the period when more tasks than sched_nr_latency run.</summary>
    public SimSpan Period(int nrRunning) => nrRunning > NrLatency ? MinGranularity * nrRunning : Latency;
}
