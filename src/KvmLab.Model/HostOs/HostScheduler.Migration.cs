using KvmLab.Engine.Time;
using KvmLab.Model.Hardware;

namespace KvmLab.Model.HostOs;

/// <summary>
/// Moving a thread between run queues (kernel/sched/fair.c v5.10 detach_task/attach_task,
/// migrate_task_rq_fair; kernel/sched/core.c set_task_cpu) and what the move costs at the
/// thread's next switch-in on the new CPU.
/// </summary>
public sealed partial class HostScheduler
{
    /// <summary>
    /// ESTIMATE, in cache-line transfers: the refill a thread pays on its first slice on another
    /// core of the same LLC. Its hot working set, say 64 KiB (L1d plus the hot part of the private
    /// L2: ~1,000 lines), refetched with ~10 misses in flight: ~100 line transfers (7 us on
    /// skylake-sp-2020's 70 ns). SMT siblings share L1 and L2: nothing (task_hot is false at the
    /// SMT level for the same reason).
    /// </summary>
    public const int RefillLinesSameLlc = 100;

    /// <summary>ESTIMATE: the same refill across sockets, each line from the other socket's L3 or its DRAM over UPI (~3x the latency): ~300 line transfers.</summary>
    public const int RefillLinesCrossSocket = 300;

    /// <summary>A queued thread leaves src for dst: dequeue, vruntime re-based, set_task_cpu, enqueue and check_preempt_curr.</summary>
    private void MigrateQueued(HostThread p, Pcpu src, Pcpu dst)
    {
        // detach_task: deactivate_task -> dequeue_entity runs update_curr and clears the buddies.
        if (src.Current is { } srcCurr)
        {
            UpdateCurr(srcCurr);
        }

        src.RunQueue.Remove(p);
        src.RunQueue.ClearBuddies(p);
        Attach(p, src, dst);
    }

    /// <summary>
    /// attach_task on dst: the vruntime is made relative to src's min_vruntime on dequeue and
    /// absolute to dst's on enqueue (dequeue_entity / enqueue_entity with DEQUEUE_MIGRATED ...
    /// !ENQUEUE_WAKEUP), then check_preempt_curr — an idle dst is woken by the reschedule IPI.
    /// </summary>
    private void Attach(HostThread p, Pcpu src, Pcpu dst)
    {
        if (dst.Current is { } dstCurr)
        {
            UpdateCurr(dstCurr);
        }

        p.VruntimeNs = p.VruntimeNs - src.RunQueue.MinVruntimeNs + dst.RunQueue.MinVruntimeNs;
        p.Cpu = dst;
        CountMigration(p);
        BalanceMigrations++;

        // An idle dst: the balancing CPU itself (newidle, the ILB) just switches; another idle
        // CPU gets resched_curr's IPI and leaves its idle state first.
        SimSpan fromIdle = dst.IsIdle && dst != _balancingOn
            ? _costs.PhysicalIpiLatency + _costs.IdleExitLatency + _costs.ContextSwitch
            : _costs.ContextSwitch;
        MakeRunnable(p, dst, fromIdle);
    }

    /// <summary>The CPU whose balance is running (newidle or the ILB); null otherwise.</summary>
    private Pcpu? _balancingOn;

    /// <summary>
    /// Active balance: stop_one_cpu_nowait(active_load_balance_cpu_stop) on the busiest CPU. The
    /// stopper preempts the running thread; here the reschedule request does, and the thread is
    /// moved when it reaches its preemption point (<see cref="TryPush"/>).
    /// </summary>
    private bool StartPush(Pcpu src, Pcpu dst)
    {
        BalanceState b = _balance!;
        if (src.Current is not { } running || b.Push[src.Id] is not null || (running.PinnedCpu is int pin && pin != dst.Id))
        {
            return false; // busiest->active_balance already set, or the task may not run on dst (LBF_ALL_PINNED)
        }

        b.Push[src.Id] = (running, dst);
        RequestResched(running);
        return true;
    }

    /// <summary>At the pushed thread's preemption point: it leaves src for the push CPU; src picks what is left or idles.</summary>
    private bool TryPush(HostThread t, Pcpu src)
    {
        if (_balance?.Push[src.Id] is not { } push || push.Thread != t)
        {
            return false;
        }

        _balance.Push[src.Id] = null;
        Deschedule(t, src);
        t.State = ThreadState.Runnable;
        t.OnDescheduled(stillRunnable: true);
        Attach(t, src, push.To);
        if (src.RunQueue.QueuedCount > 0)
        {
            BeginSwitch(src, _costs.ContextSwitch);
        }
        else
        {
            GoIdle(src);
        }

        return true;
    }

    private void CancelPush(Pcpu cpu, HostThread t)
    {
        if (_balance?.Push[cpu.Id] is { } push && push.Thread == t)
        {
            _balance.Push[cpu.Id] = null;
        }
    }

    /// <summary>The extra switch-in time of a thread that last ran on another CPU (balancing on only: the earlier model had none).</summary>
    private SimSpan MigrationCostOnSchedIn(HostThread next, Pcpu cpu)
    {
        if (_domains is null || next.LastRanCpu is not { } from || from == cpu)
        {
            return SimSpan.Zero;
        }

        CpuTopology topo = _domains.Topology;
        SimSpan refill = topo.CoreOf(from.Id) == topo.CoreOf(cpu.Id) ? SimSpan.Zero
            : _costs.CacheLineTransfer * (topo.SharesCache(from.Id, cpu.Id) ? RefillLinesSameLlc : RefillLinesCrossSocket);
        return refill + next.OnMigrated(from, cpu);
    }
}
