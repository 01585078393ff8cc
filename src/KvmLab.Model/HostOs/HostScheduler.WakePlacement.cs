using KvmLab.Model.Hardware;

namespace KvmLab.Model.HostOs;

/// <summary>
/// Where a waking or new thread goes. With balancing on (kernel/sched/fair.c, v5.10):
/// select_task_rq_fair's fast path (wake_affine between the waker's CPU and the previous one,
/// then select_idle_sibling in the LLC) for wake-ups, find_idlest_cpu for new threads.
/// Not modeled: wake_wide (wakee flips), sync wake-ups, SIS_PROP's scan limit (the whole LLC is
/// scanned) and asymmetric capacities.
/// </summary>
public sealed partial class HostScheduler
{
    private Pcpu SelectTaskRqFair(HostThread t, int? wakerCpu)
    {
        if (t.PinnedCpu is int pin)
        {
            return _cpus[pin];
        }

        if (t.Cpu is not { } prevCpu)
        {
            return FindIdlestCpu();
        }

        int prev = prevCpu.Id;
        int cpu = wakerCpu ?? prev; // smp_processor_id(): an interrupt's wake-up runs on the previous CPU
        int target = prev;
        bool wantAffine = wakerCpu is not null;
        if (wantAffine && cpu != prev)
        {
            // for_each_domain(cpu): the lowest SD_WAKE_AFFINE domain spanning prev_cpu.
            if (_domains!.Levels[cpu].FirstOrDefault(d => d.Span.Contains(prev)) is { } sd)
            {
                target = WakeAffine(sd, t, cpu, prev);
            }
        }

        Pcpu chosen = _cpus[SelectIdleSibling(t, prev, target)];
        if (wantAffine && _cpus[cpu].Current is { } waker)
        {
            waker.RecentUsedCpu = cpu; // current->recent_used_cpu = cpu
        }

        return chosen;
    }

    private static long LoadOf(Pcpu c) => c.RunQueue.QueuedWeight + (c.Current?.Weight ?? 0);

    /// <summary>wake_affine: wake_affine_idle, else wake_affine_weight, else prev_cpu.</summary>
    private int WakeAffine(SchedDomain sd, HostThread p, int thisCpu, int prev)
    {
        CpuTopology topo = _domains!.Topology;
        // wake_affine_idle: an idle waker CPU sharing the cache with prev takes it unless prev is idle too; an idle prev keeps it.
        if (AvailableIdle(_cpus[thisCpu]) && topo.SharesCache(thisCpu, prev))
        {
            return AvailableIdle(_cpus[prev]) ? prev : thisCpu;
        }

        if (AvailableIdle(_cpus[prev]))
        {
            return prev;
        }

        // wake_affine_weight with WA_BIAS: this CPU's load plus the task against prev's, prev
        // favoured by half the imbalance margin. prev's load here no longer holds the sleeping task
        // (PELT's blocked load, which the kernel subtracts again).
        long thisEff = (LoadOf(_cpus[thisCpu]) + p.Weight) * 100;
        long prevEff = LoadOf(_cpus[prev]) * (100 + ((sd.ImbalancePct - 100) / 2));
        return thisEff < prevEff ? thisCpu : prev;
    }

    /// <summary>
    /// select_idle_sibling: target if idle; prev if idle and cache-affine; recent_used_cpu if idle
    /// and cache-affine; then in target's LLC an idle core (select_idle_core), an idle CPU
    /// (select_idle_cpu), an idle sibling of target (select_idle_smt); else target.
    /// </summary>
    private int SelectIdleSibling(HostThread p, int prev, int target)
    {
        CpuTopology topo = _domains!.Topology;
        if (AvailableIdle(_cpus[target]))
        {
            return target;
        }

        if (prev != target && topo.SharesCache(prev, target) && AvailableIdle(_cpus[prev]))
        {
            return prev;
        }

        if (p.RecentUsedCpu is int recent && recent != prev && recent != target && topo.SharesCache(recent, target) && AvailableIdle(_cpus[recent]))
        {
            p.RecentUsedCpu = prev;
            return recent;
        }

        if (_domains.Llc(target) is not { } llc)
        {
            return target;
        }

        List<int> wrap = [.. llc.Span.Where(c => c >= target), .. llc.Span.Where(c => c < target)]; // for_each_cpu_wrap(cpu, span, target)
        if (topo.ThreadsPerCore > 1)
        {
            // select_idle_core: the first core in the scan whose threads are all idle.
            foreach (int c in wrap)
            {
                if (topo.Siblings(c).All(s => AvailableIdle(_cpus[s])))
                {
                    return c;
                }
            }
        }

        foreach (int c in wrap)
        {
            if (AvailableIdle(_cpus[c]))
            {
                return c; // select_idle_cpu
            }
        }

        if (topo.ThreadsPerCore > 1)
        {
            foreach (int s in topo.Siblings(target))
            {
                if (AvailableIdle(_cpus[s]))
                {
                    return s; // select_idle_smt
                }
            }
        }

        return target;
    }

    /// <summary>
    /// find_idlest_cpu for a new thread (sched_balance_fork, SD_BALANCE_FORK): from the top
    /// domain down, the idlest group (find_idlest_group: most idle CPUs and fewest tasks, or the
    /// lowest average load once none has spare capacity), then its idlest CPU. Which of several
    /// equally idle groups depends on PELT history and the walk's start: modeled as a uniform choice.
    /// </summary>
    private Pcpu FindIdlestCpu()
    {
        IReadOnlyList<int> span = [.. Enumerable.Range(0, _cpus.Length)];
        for (int level = _domains!.Levels[0].Count - 1; level >= 0 && span.Count > 1; level--)
        {
            SchedDomain sd = _domains.Levels[span[0]][level];
            var groups = sd.Groups.OrderBy(g => g[0]).Select(Stats).ToList();
            GroupStats best = groups.OrderBy(IdlestKey).First();
            var ties = groups.Where(g => IdlestKey(g) == IdlestKey(best)).ToList();
            span = (_placement is null ? ties[0] : ties[(int)(_placement.NextDouble() * ties.Count)]).Cpus;
        }

        return _cpus[span[0]];
    }

    /// <summary>update_pick_idlest's order: spare capacity first (more idle CPUs, then fewer tasks), then fully busy and overloaded by avg_load.</summary>
    private static (GroupType, long, long) IdlestKey(GroupStats g) =>
        g.Type == GroupType.HasSpare ? (g.Type, -g.IdleCpus, g.NrRunning) : (g.Type, g.AvgLoad, 0);

    // --- The earlier model (load balancing off): least loaded at start, idle CPUs at wake-up ---

    private Pcpu LeastLoaded()
    {
        int min = _cpus.Min(Load);
        var candidates = _cpus.Where(c => Load(c) == min).ToList();
        return _placement is null ? candidates[0] : candidates[(int)(_placement.NextDouble() * candidates.Count)];
    }

    private static int Load(Pcpu c) => c.RunQueue.NrRunning + (c.Switching && c.Current is null ? 1 : 0);

    private Pcpu ChooseCpu(HostThread t)
    {
        if (t.PinnedCpu is int pin)
        {
            return _cpus[pin];
        }

        // select_idle_sibling, simplified: stay where it ran if idle, else the lowest idle CPU,
        // else where it ran. Migration of busy threads comes with the overcommit work.
        if (t.Cpu is { IsIdle: true } last)
        {
            return last;
        }

        foreach (Pcpu c in _cpus)
        {
            if (c.IsIdle && c.RunQueue.QueuedCount == 0)
            {
                return c;
            }
        }

        return t.Cpu ?? _cpus[0];
    }
}
