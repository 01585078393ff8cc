using KvmLab.Engine.Time;
using KvmLab.Model.Hardware;

namespace KvmLab.Model.HostOs;

/// <summary>
/// load_balance for one domain (kernel/sched/fair.c, v5.10): update_sd_lb_stats and
/// find_busiest_group classify each group (group_has_spare, group_fully_busy, group_overloaded),
/// calculate_imbalance says how much to move, find_busiest_queue picks the run queue,
/// detach_tasks/can_migrate_task take queued threads from its tail, and after
/// cache_nice_tries + 2 failures the running thread is pushed (active_load_balance_cpu_stop).
/// </summary>
public sealed partial class HostScheduler
{
    private enum GroupType
    {
        HasSpare,
        FullyBusy,
        Overloaded,
    }

    /// <summary>sg_lb_stats for one group: sum_nr_running, group_load (weights), idle_cpus, group_weight, and the type.</summary>
    private readonly record struct GroupStats(IReadOnlyList<int> Cpus, int NrRunning, long Load, int IdleCpus, GroupType Type)
    {
        /// <summary>avg_load = group_load * SCHED_CAPACITY_SCALE / group_capacity (every CPU's capacity is 1024).</summary>
        public long AvgLoad => Load / Cpus.Count;
    }

    private GroupStats Stats(IReadOnlyList<int> cpus)
    {
        int nr = 0;
        long load = 0;
        int idle = 0;
        foreach (int c in cpus)
        {
            Pcpu p = _cpus[c];
            nr += p.RunQueue.NrRunning;
            load += p.RunQueue.QueuedWeight + (p.Current?.Weight ?? 0);
            idle += AvailableIdle(p) ? 1 : 0;
        }

        // group_classify: overloaded with more tasks than CPUs (group_is_overloaded, util not
        // modeled); fully busy with no idle CPU (!group_has_capacity); else spare capacity.
        GroupType type = nr > cpus.Count ? GroupType.Overloaded : idle == 0 ? GroupType.FullyBusy : GroupType.HasSpare;
        return new GroupStats(cpus, nr, load, idle, type);
    }

    /// <summary>update_sd_pick_busiest: a worse type wins; among overloaded or fully busy the higher avg_load, among spare the fewer idle CPUs, then more tasks. The first seen wins ties.</summary>
    private static bool PicksOver(GroupStats sg, GroupStats? busiest)
    {
        if (sg.NrRunning == 0)
        {
            return false;
        }

        if (busiest is not { } b)
        {
            return true;
        }

        if (sg.Type != b.Type)
        {
            return sg.Type > b.Type;
        }

        return sg.Type == GroupType.HasSpare
            ? sg.IdleCpus < b.IdleCpus || (sg.IdleCpus == b.IdleCpus && sg.NrRunning > b.NrRunning)
            : sg.AvgLoad > b.AvgLoad;
    }

    /// <summary>One load_balance of <paramref name="dst"/>'s domain at <paramref name="level"/> (0: lowest) now, as CPU_IDLE or CPU_NEWLY_IDLE; for tests.</summary>
    internal bool LoadBalanceNow(Pcpu dst, int level, bool newlyIdle = false)
    {
        _balancingOn = dst;
        bool moved = LoadBalance(dst, _domains!.Levels[dst.Id][level], newlyIdle ? Idle.NewlyIdle : AvailableIdle(dst) ? Idle.Idle : Idle.NotIdle);
        _balancingOn = null;
        return moved;
    }

    /// <summary>load_balance(this_cpu, sd, idle): true if a thread was pulled.</summary>
    private bool LoadBalance(Pcpu dst, SchedDomain sd, Idle idle)
    {
        if (idle != Idle.NewlyIdle && !ShouldWeBalance(dst, sd))
        {
            return false;
        }

        var excluded = new HashSet<int>(); // env.cpus: run queues dropped because every task on them is pinned
        bool allPinned;
        while (true)
        {
            (Pcpu? busiest, Migrate type, long imbalance) = FindBusiest(dst, sd, idle, excluded);
            if (busiest is null)
            {
                // out_balanced: also resets nr_balance_failed; out_one_pinned: the interval grows.
                sd.NrBalanceFailed = 0;
                GrowInterval(sd, idle, allPinned: false);
                return false;
            }

            int moved = 0;
            allPinned = true;
            if (busiest.RunQueue.NrRunning > 1)
            {
                moved = DetachTasks(busiest, dst, sd, idle, type, imbalance, ref allPinned);
                if (moved == 0 && allPinned && busiest.RunQueue.QueuedCount > 0)
                {
                    // LBF_ALL_PINNED: try again without this run queue while CPUs outside the local group remain.
                    excluded.Add(busiest.Id);
                    if (sd.Span.Any(c => !excluded.Contains(c) && !sd.Groups[0].Contains(c)))
                    {
                        continue;
                    }

                    sd.NrBalanceFailed = 0; // out_all_pinned
                    GrowInterval(sd, idle, allPinned: true);
                    return false;
                }
            }

            bool active = false;
            if (moved == 0)
            {
                if (idle != Idle.NewlyIdle)
                {
                    sd.NrBalanceFailed++;
                }

                // need_active_balance: sd->nr_balance_failed > sd->cache_nice_tries + 2.
                if (sd.NrBalanceFailed > sd.CacheNiceTries + 2 && StartPush(busiest, dst))
                {
                    active = true;
                    sd.NrBalanceFailed = sd.CacheNiceTries + 1;
                }
            }
            else
            {
                sd.NrBalanceFailed = 0;
            }

            if (!active)
            {
                sd.BalanceIntervalMs = sd.MinIntervalMs; // "We were unbalanced, so reset the balancing interval"
            }
            else if (sd.BalanceIntervalMs < sd.MaxIntervalMs)
            {
                sd.BalanceIntervalMs *= 2;
            }

            return moved > 0;
        }
    }

    private static void GrowInterval(SchedDomain sd, Idle idle, bool allPinned)
    {
        if (idle == Idle.NewlyIdle)
        {
            return;
        }

        if ((allPinned && sd.BalanceIntervalMs < MaxPinnedIntervalMs) || sd.BalanceIntervalMs < sd.MaxIntervalMs)
        {
            sd.BalanceIntervalMs *= 2;
        }
    }

    /// <summary>find_busiest_group + calculate_imbalance + find_busiest_queue: the run queue to pull from, how, and how much (null: balanced).</summary>
    private (Pcpu? Busiest, Migrate Type, long Imbalance) FindBusiest(Pcpu dst, SchedDomain sd, Idle idle, HashSet<int> excluded)
    {
        GroupStats local = Stats(sd.Groups[0]);
        GroupStats? found = null;
        long totalLoad = local.Load;
        for (int i = 1; i < sd.Groups.Count; i++)
        {
            IReadOnlyList<int> cpus = [.. sd.Groups[i].Where(c => !excluded.Contains(c))];
            GroupStats sg = Stats(sd.Groups[i]);
            totalLoad += sg.Load;
            if (cpus.Count > 0 && PicksOver(sg, found))
            {
                found = sg with { Cpus = cpus };
            }
        }

        if (found is not { } busiest || busiest.NrRunning == 0 || local.Type > busiest.Type)
        {
            return (null, Migrate.Task, 0);
        }

        long sdsAvg = totalLoad / sd.Span.Count;
        if (local.Type == GroupType.Overloaded)
        {
            // Both overloaded: only past imbalance_pct (100 * busiest <= imbalance_pct * local is balanced).
            if (local.AvgLoad >= busiest.AvgLoad || local.AvgLoad >= sdsAvg || 100 * busiest.AvgLoad <= sd.ImbalancePct * local.AvgLoad)
            {
                return (null, Migrate.Task, 0);
            }
        }

        bool force = sd.PreferSibling && local.Type == GroupType.HasSpare && busiest.NrRunning > local.NrRunning + 1;
        if (!force && busiest.Type != GroupType.Overloaded)
        {
            // Nothing waits in the busiest group: only an idle CPU evens out the idle CPUs.
            if (idle == Idle.NotIdle || (busiest.Cpus.Count > 1 && local.IdleCpus <= busiest.IdleCpus + 1) || busiest.NrRunning == 1)
            {
                return (null, Migrate.Task, 0);
            }
        }

        (Migrate type, long imbalance) = CalculateImbalance(sd, idle, local, busiest, sdsAvg);
        if (imbalance <= 0)
        {
            return (null, Migrate.Task, 0);
        }

        // find_busiest_queue: most load (migrate_load; a lone task heavier than the imbalance is skipped) or most tasks.
        Pcpu? rq = null;
        long best = -1;
        foreach (int c in busiest.Cpus)
        {
            Pcpu p = _cpus[c];
            long load = p.RunQueue.QueuedWeight + (p.Current?.Weight ?? 0);
            if (type == Migrate.Load && p.RunQueue.NrRunning == 1 && load > imbalance)
            {
                continue;
            }

            long metric = type == Migrate.Load ? load : p.RunQueue.NrRunning;
            if (metric > best && p.RunQueue.NrRunning > 0)
            {
                best = metric;
                rq = p;
            }
        }

        return rq is null ? (null, Migrate.Task, 0) : (rq, type, imbalance);
    }

    /// <summary>calculate_imbalance (v5.10): with spare capacity here, fill it (util approximated: one thread per idle CPU) or even out tasks / idle CPUs; else move load toward the domain's average.</summary>
    private static (Migrate Type, long Imbalance) CalculateImbalance(SchedDomain sd, Idle idle, GroupStats local, GroupStats busiest, long sdsAvg)
    {
        if (local.Type == GroupType.HasSpare)
        {
            if (busiest.Type == GroupType.Overloaded)
            {
                // migrate_util: the local group's spare capacity, each runnable thread counted as a full CPU's util.
                long spare = local.IdleCpus;
                return (Migrate.Task, spare == 0 && idle != Idle.NotIdle ? 1 : spare);
            }

            long n = busiest.Cpus.Count == 1 || sd.PreferSibling
                ? Math.Max(0, busiest.NrRunning - local.NrRunning) >> 1
                : Math.Max(0, local.IdleCpus - busiest.IdleCpus) >> 1;
            if (!sd.SharePkgResources && busiest.NrRunning <= 2)
            {
                n = 0; // adjust_numa_imbalance: a pair of communicating tasks may stay on one node
            }

            return (Migrate.Task, n);
        }

        if (local.AvgLoad >= busiest.AvgLoad || local.AvgLoad >= sdsAvg)
        {
            return (Migrate.Load, 0);
        }

        long imbalance = Math.Min((busiest.AvgLoad - sdsAvg) * busiest.Cpus.Count, (sdsAvg - local.AvgLoad) * local.Cpus.Count);
        return (Migrate.Load, imbalance);
    }

    /// <summary>detach_tasks + attach_tasks: from the tail of src's task list, the threads can_migrate_task allows, until the imbalance is gone (one at a newidle balance).</summary>
    private int DetachTasks(Pcpu src, Pcpu dst, SchedDomain sd, Idle idle, Migrate type, long imbalance, ref bool allPinned)
    {
        var tasks = src.RunQueue.Queued.OrderBy(t => t.ListStamp).ThenBy(t => t.Id).ToList();
        int loopMax = Math.Min(NrMigrate, src.RunQueue.NrRunning);
        int loop = 0;
        int moved = 0;
        foreach (HostThread p in tasks)
        {
            if (idle != Idle.NotIdle && src.RunQueue.NrRunning <= 1)
            {
                break;
            }

            if (++loop > loopMax)
            {
                break;
            }

            if (!CanMigrateTask(p, src, dst, sd, ref allPinned))
            {
                continue;
            }

            if (type == Migrate.Load)
            {
                // "Make sure that we don't migrate too much load", relaxed after failed balances.
                long load = p.Weight;
                if ((load >> Math.Min(sd.NrBalanceFailed, 62)) > imbalance)
                {
                    continue;
                }

                imbalance -= load;
            }
            else
            {
                imbalance--;
            }

            MigrateQueued(p, src, dst);
            moved++;
            if (idle == Idle.NewlyIdle || imbalance <= 0)
            {
                break;
            }
        }

        return moved;
    }

    /// <summary>
    /// can_migrate_task: not if the thread may not run on dst (cpus_ptr), not if it is running (or
    /// being switched in), and not if it is cache hot — unless balancing failed more than
    /// cache_nice_tries times in a row.
    /// </summary>
    private bool CanMigrateTask(HostThread p, Pcpu src, Pcpu dst, SchedDomain sd, ref bool allPinned)
    {
        if (p.PinnedCpu is int pin && pin != dst.Id)
        {
            return false;
        }

        allPinned = false;
        if (p.State != ThreadState.Runnable || src.ChosenNext == p)
        {
            return false;
        }

        return !TaskHot(p, src, dst, sd) || sd.NrBalanceFailed > sd.CacheNiceTries;
    }

    /// <summary>
    /// task_hot: never across SMT siblings (they share the caches); a next or last buddy is hot
    /// when dst has work (CACHE_HOT_BUDDY); otherwise hot if it ran within sysctl_sched_migration_cost
    /// (rq_clock_task - se.exec_start, exec_start being where update_curr last charged it).
    /// </summary>
    private bool TaskHot(HostThread p, Pcpu src, Pcpu dst, SchedDomain sd)
    {
        if (sd.ShareCpuCapacity)
        {
            return false;
        }

        if (dst.RunQueue.NrRunning > 0 && (src.RunQueue.Next == p || src.RunQueue.Last == p))
        {
            return true;
        }

        return p.LastRanCpu is not null && (_sim.Now - p.RunningSince) < Tunables.MigrationCost;
    }
}
