using KvmLab.Engine.Events;
using KvmLab.Engine.Time;
using KvmLab.Engine.Tracing;
using KvmLab.Model.Hardware;
using KvmLab.Model.Invariants;

namespace KvmLab.Model.HostOs;

/// <summary>Directed yield (kernel/sched/core.c yield_to, fair.c yield_to_task_fair, v5.6).</summary>
public sealed partial class HostScheduler
{
    /// <summary>
    /// yield_to(p, preempt=true) (kernel/sched/core.c, v5.6) called by the running
    /// <paramref name="yielder"/>: -ESRCH (-1) if both run queues hold one task; 0 if the target
    /// runs or sleeps; otherwise yield_to_task_fair — the target becomes its run queue's next
    /// buddy, the yielder (yield_task_fair) its own run queue's skip buddy — the target's CPU is
    /// asked to reschedule, and 1 is returned; the caller then calls schedule().
    /// <paramref name="deboostYielder"/> is Ishiguro 2021 patch 1: when yielder and target share a
    /// run queue, raise the yielder's vruntime to target - wakeup granularity so pick_next_entity
    /// honours the next buddy.
    /// </summary>
    public int YieldTo(HostThread yielder, HostThread target, bool deboostYielder = false)
    {
        Pcpu rq = RequireRunning(yielder);
        Pcpu? prq = target.Cpu;
        if (prq is null)
        {
            return 0;
        }

        if (rq.RunQueue.NrRunning == 1 && prq.RunQueue.NrRunning == 1)
        {
            return -1;
        }

        if (target.State != ThreadState.Runnable || prq.Current == target)
        {
            return 0;
        }

        prq.RunQueue.Next = target; // set_next_buddy
        if (rq.RunQueue.NrRunning > 1)
        {
            // yield_task_fair: clear_buddies, update_curr, set_skip_buddy.
            rq.RunQueue.ClearBuddies(yielder);
            UpdateCurr(yielder);
            rq.RunQueue.Skip = yielder;
            if (deboostYielder && rq == prq)
            {
                long gran = Tunables.WakeupGranularity.Ns * 1024 / target.Weight;
                yielder.VruntimeNs = Math.Max(yielder.VruntimeNs, target.VruntimeNs - gran);
            }
        }

        if (rq != prq && prq.Current is { } other)
        {
            RequestResched(other); // resched_curr(p_rq)
        }

        return 1;
    }

    /// <summary>
    /// schedule() after a successful yield_to: the yielder goes back into its run queue and
    /// pick_next_entity chooses; returns false (and changes nothing) if the yielder is chosen again.
    /// </summary>
    public bool ScheduleAfterYield(HostThread yielder)
    {
        Pcpu cpu = RequireRunning(yielder);
        bool switched = SwitchAway(yielder, cpu);
        if (!switched)
        {
            cpu.RunQueue.ClearBuddies(yielder);
        }

        return switched;
    }
}
