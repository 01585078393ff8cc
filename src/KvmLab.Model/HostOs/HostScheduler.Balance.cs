using KvmLab.Engine.Time;
using KvmLab.Model.Hardware;

namespace KvmLab.Model.HostOs;

/// <summary>
/// CFS load balancing (kernel/sched/fair.c, v5.10), simplified: the periodic balance from the tick
/// (trigger_load_balance -> rebalance_domains), newidle_balance when a CPU runs out of threads,
/// and nohz idle balance (nohz_balancer_kick: a busy CPU's tick kicks the first idle CPU, which
/// balances for every idle CPU). load_balance finds the busiest group and run queue of a domain
/// and pulls queued threads (detach_tasks / attach_tasks), or after repeated failures pushes the
/// running one (active balance). Load is the sum of the CFS weights of the runnable threads
/// (nr_running weighted, no PELT); utilization is approximated by counting threads.
/// </summary>
public sealed partial class HostScheduler
{
    /// <summary>sysctl_sched_nr_migrate: at most 32 tasks looked at per balance (env.loop_max).</summary>
    private const int NrMigrate = 32;

    /// <summary>MAX_PINNED_INTERVAL: 512 ms, the interval's cap when every task was pinned.</summary>
    private const int MaxPinnedIntervalMs = 512;

    private readonly SchedDomains? _domains;
    private readonly BalanceState? _balance;
    private readonly int _hostHz;
    private long _listStamp;

    /// <summary>Thread moves to another CPU (wake-up placement and balancing), as the sum of se.nr_migrations.</summary>
    public long Migrations { get; private set; }

    /// <summary>Of <see cref="Migrations"/>, the ones load_balance made (periodic, newidle, nohz idle, active).</summary>
    public long BalanceMigrations { get; private set; }

    /// <summary>The sched domains the balancer uses (null: balancing off).</summary>
    public SchedDomains? Domains => _domains;

    private enum Idle
    {
        NotIdle,
        Idle,
        NewlyIdle,
    }

    private enum Migrate
    {
        Load,
        Task,
    }

    private void CountMigration(HostThread t)
    {
        Migrations++;
        t.Migrations++;
    }

    /// <summary>idle_cpu and !vcpu_is_preempted: nothing runs, nothing is queued, no switch or interrupt under way.</summary>
    private static bool AvailableIdle(Pcpu c) => c.IsIdle && c.RunQueue.QueuedCount == 0;

    /// <summary>trigger_load_balance from scheduler_tick: the periodic balance when due, then maybe kick the idle balancer.</summary>
    private void TriggerLoadBalance(Pcpu cpu)
    {
        if (_balance is null)
        {
            return;
        }

        if (_sim.Now.Ns >= _balance.NextBalanceNs[cpu.Id])
        {
            // run_rebalance_domains: rq->idle_balance is idle_cpu() at the tick.
            _balancingOn = cpu;
            RebalanceDomains(cpu, AvailableIdle(cpu) ? Idle.Idle : Idle.NotIdle);
            _balancingOn = null;
        }

        NohzBalancerKick(cpu);
    }

    /// <summary>get_sd_balance_interval: balance_interval (x busy_factor when busy) in jiffies, clamped to [1, HZ * nr_cpus / 10].</summary>
    private long IntervalNs(SchedDomain sd, bool busy)
    {
        long ms = sd.BalanceIntervalMs * (busy ? SchedDomain.BusyFactor : 1);
        long jiffies = ((ms * _hostHz) + 999) / 1000; // msecs_to_jiffies rounds up
        long max = Math.Max(1, _hostHz * _cpus.Length / 10); // max_load_balance_interval
        return Math.Clamp(jiffies, 1, max) * _tickPeriod.Ns;
    }

    /// <summary>rebalance_domains: each level whose interval has passed is balanced, bottom-up; rq->next_balance is the earliest next one.</summary>
    private void RebalanceDomains(Pcpu cpu, Idle idle)
    {
        long now = _sim.Now.Ns;
        long next = now + (60L * 1_000_000_000); // jiffies + 60 * HZ
        bool busy = idle == Idle.NotIdle;
        foreach (SchedDomain sd in _domains!.Levels[cpu.Id])
        {
            long interval = IntervalNs(sd, busy);
            if (now >= sd.LastBalanceNs + interval)
            {
                if (LoadBalance(cpu, sd, idle))
                {
                    // "We've pulled tasks over so either we're no longer idle, or one of our SMT siblings is not idle."
                    idle = AvailableIdle(cpu) ? Idle.Idle : Idle.NotIdle;
                    busy = idle == Idle.NotIdle;
                }

                sd.LastBalanceNs = now;
                interval = IntervalNs(sd, busy);
            }

            next = Math.Min(next, sd.LastBalanceNs + interval);
        }

        _balance!.NextBalanceNs[cpu.Id] = next;
    }

    /// <summary>
    /// should_we_balance: at a periodic or idle balance only one CPU of the local group works for
    /// the group — its first idle CPU, or its first CPU if none is idle (group_balance_cpu).
    /// </summary>
    private bool ShouldWeBalance(Pcpu cpu, SchedDomain sd)
    {
        IReadOnlyList<int> local = sd.Groups[0];
        foreach (int c in local)
        {
            if (AvailableIdle(_cpus[c]))
            {
                return c == cpu.Id;
            }
        }

        return local[0] == cpu.Id;
    }

    /// <summary>
    /// newidle_balance: a CPU that found nothing to run pulls one thread from the busiest CPU of
    /// its domains, bottom-up — unless it idles too briefly on average (avg_idle below
    /// sysctl_sched_migration_cost) or no CPU has two runnable threads (!rd->overload).
    /// </summary>
    private void GoIdle(Pcpu cpu)
    {
        if (_balance is null || !AvailableIdle(cpu))
        {
            return;
        }

        _balance.IdleStampNs[cpu.Id] = _sim.Now.Ns;
        if (_balance.AvgIdleNs[cpu.Id] < Tunables.MigrationCost.Ns || !_cpus.Any(c => c.RunQueue.NrRunning > 1))
        {
            return;
        }

        _balancingOn = cpu;
        foreach (SchedDomain sd in _domains!.Levels[cpu.Id])
        {
            if (LoadBalance(cpu, sd, Idle.NewlyIdle) || !AvailableIdle(cpu))
            {
                _balance.IdleStampNs[cpu.Id] = -1; // pulled: this idle period does not count in avg_idle
                break;
            }
        }

        _balancingOn = null;
    }

    /// <summary>ttwu_do_wakeup: a wake-up onto a CPU that idled folds the idle time into rq->avg_idle (update_avg, capped at 2 x max_idle_balance_cost).</summary>
    private void UpdateAvgIdle(Pcpu cpu)
    {
        if (_balance is null || _balance.IdleStampNs[cpu.Id] < 0)
        {
            return;
        }

        long delta = _sim.Now.Ns - _balance.IdleStampNs[cpu.Id];
        long avg = _balance.AvgIdleNs[cpu.Id];
        avg += (delta - avg) / 8;
        _balance.AvgIdleNs[cpu.Id] = Math.Min(avg, 2 * Tunables.MigrationCost.Ns);
        _balance.IdleStampNs[cpu.Id] = -1;
    }

    /// <summary>
    /// nohz_balancer_kick: a busy CPU's tick kicks the idle load balancer when it has two runnable
    /// threads, or when more than one CPU of its LLC is busy (packed SMT cores, other CPUs idle),
    /// and nohz.next_balance has come. kick_ilb IPIs the first idle CPU (find_new_ilb).
    /// </summary>
    private void NohzBalancerKick(Pcpu cpu)
    {
        BalanceState b = _balance!;
        if (b.IlbPending || _sim.Now.Ns < b.NohzNextBalanceNs || cpu.Current is null)
        {
            return;
        }

        bool kick = cpu.RunQueue.NrRunning >= 2;
        if (!kick && _domains!.Llc(cpu.Id) is { } llc)
        {
            kick = llc.Span.Count(c => !AvailableIdle(_cpus[c])) > 1; // sds->nr_busy_cpus > 1
        }

        Pcpu? ilb = kick ? _cpus.FirstOrDefault(AvailableIdle) : null;
        if (ilb is null)
        {
            return;
        }

        b.IlbPending = true;
        _sim.ScheduleAfter(_costs.PhysicalIpiLatency + _costs.IdleExitLatency, this, KindIlb, ilb.Id);
    }

    /// <summary>_nohz_idle_balance: the kicked CPU runs rebalance_domains(CPU_IDLE) for every idle CPU whose balance is due, itself last.</summary>
    private void NohzIdleBalance(Pcpu ilb)
    {
        BalanceState b = _balance!;
        b.IlbPending = false;
        long now = _sim.Now.Ns;
        long next = long.MaxValue;
        foreach (Pcpu c in _cpus.Where(c => c != ilb).Append(ilb))
        {
            if (!AvailableIdle(c))
            {
                continue;
            }

            if (now >= b.NextBalanceNs[c.Id])
            {
                _balancingOn = c == ilb ? ilb : null;
                RebalanceDomains(c, Idle.Idle);
                _balancingOn = null;
            }

            next = Math.Min(next, b.NextBalanceNs[c.Id]);
        }

        // No idle CPU left to balance for: the next busy tick may kick again.
        b.NohzNextBalanceNs = next == long.MaxValue ? now : next;
    }

    private sealed class BalanceState
    {
        public BalanceState(int cpus, SimSpan migrationCost)
        {
            NextBalanceNs = new long[cpus];
            IdleStampNs = [.. Enumerable.Repeat(-1L, cpus)];
            // sched_init: rq->avg_idle = 2 * sysctl_sched_migration_cost.
            AvgIdleNs = [.. Enumerable.Repeat(2 * migrationCost.Ns, cpus)];
            Push = new (HostThread, Pcpu)?[cpus];
        }

        /// <summary>rq->next_balance.</summary>
        public long[] NextBalanceNs { get; }

        /// <summary>rq->idle_stamp (-1: none).</summary>
        public long[] IdleStampNs { get; }

        /// <summary>rq->avg_idle.</summary>
        public long[] AvgIdleNs { get; }

        /// <summary>nohz.next_balance.</summary>
        public long NohzNextBalanceNs { get; set; }

        /// <summary>An ILB kick is in flight (NOHZ_KICK_MASK set on the ILB CPU).</summary>
        public bool IlbPending { get; set; }

        /// <summary>rq->active_balance with its push_cpu: the running thread to move when it next reaches a preemption point.</summary>
        public (HostThread Thread, Pcpu To)?[] Push { get; }
    }
}
