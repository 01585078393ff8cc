using KvmLab.Engine.Events;
using KvmLab.Engine.Time;
using KvmLab.Engine.Tracing;
using KvmLab.Model.Hardware;
using KvmLab.Model.HostOs;

namespace KvmLab.Model.Tests.HostOs;

/// <summary>
/// The CFS buddies against kernel/sched/fair.c (v5.6-5.10): pick_next_entity takes the leftmost,
/// passes over the skip buddy when the second is within the wakeup granularity, and takes the
/// next (or last) buddy only when wakeup_preempt_entity(buddy, left) &lt; 1; yield_to
/// (kernel/sched/core.c) returns -ESRCH when both run queues hold one task, 0 when the target
/// runs or sleeps, else marks next and skip buddies; Ishiguro 2021 patch 1 deboosts a yielder that
/// shares the target's run queue.
/// </summary>
public class CfsBuddyTests
{
    // One pCPU -> factor 1: wakeup granularity 1 ms.
    private const long Gran = 1_000_000;

    private sealed class T(string name, int id) : HostThread(name, id)
    {
        protected internal override void OnScheduledIn(SimTime now)
        {
        }

        protected internal override void OnReschedRequested(SimTime now)
        {
        }
    }

    private static (CfsRunQueue Rq, T A, T B, T C) Queue(long va, long vb, long vc)
    {
        var rq = new CfsRunQueue(new Pcpu(0));
        var a = new T("a", 1) { VruntimeNs = va };
        var b = new T("b", 2) { VruntimeNs = vb };
        var c = new T("c", 3) { VruntimeNs = vc };
        rq.Enqueue(a);
        rq.Enqueue(b);
        rq.Enqueue(c);
        return (rq, a, b, c);
    }

    [Fact]
    public void NoBuddies_TakesTheLeftmost()
    {
        var (rq, a, _, _) = Queue(10, 20, 30);
        Assert.Same(a, rq.PickNextEntity(Gran));
    }

    [Fact]
    public void SkipBuddy_PassedOverForASecondWithinTheGranularity()
    {
        var (rq, a, b, _) = Queue(0, Gran / 2, 5 * Gran);
        rq.Skip = a;
        Assert.Same(b, rq.PickNextEntity(Gran));
    }

    [Fact]
    public void SkipBuddy_KeptWhenTheSecondIsTooFarAhead()
    {
        var (rq, a, _, _) = Queue(0, 2 * Gran, 5 * Gran);
        rq.Skip = a;
        Assert.Same(a, rq.PickNextEntity(Gran));
    }

    [Fact]
    public void NextBuddy_TakenWithinTheGranularity_AndCleared()
    {
        var (rq, _, _, c) = Queue(0, Gran / 4, Gran);
        rq.Next = c;
        Assert.Same(c, rq.PickNextEntity(Gran));
        Assert.Null(rq.Next);
    }

    [Fact]
    public void NextBuddy_RefusedBeyondTheGranularity_TheSchedulerMismatch()
    {
        // Ishiguro's problem 1: CFS ignores KVM's hint when the boosted vCPU's vruntime is too far right.
        var (rq, a, _, c) = Queue(0, Gran / 4, 3 * Gran);
        rq.Next = c;
        Assert.Same(a, rq.PickNextEntity(Gran));
    }

    [Fact]
    public void NextBuddy_WinsOverLastBuddy()
    {
        var (rq, _, b, c) = Queue(0, Gran / 4, Gran / 2);
        rq.Last = b;
        rq.Next = c;
        Assert.Same(c, rq.PickNextEntity(Gran));
    }

    [Theory]
    [InlineData(0, 0, -1)]
    [InlineData(500_000, 0, 0)]
    [InlineData(1_000_001, 0, 1)]
    public void WakeupPreemptEntity(long currV, long seV, int expected)
    {
        var curr = new T("curr", 1) { VruntimeNs = currV };
        var se = new T("se", 2) { VruntimeNs = seV };
        Assert.Equal(expected, CfsRunQueue.WakeupPreemptEntity(curr, se, Gran));
    }

    private static (Simulator Sim, HostScheduler Sched, Pcpu[] Cpus) Host(int cpus)
    {
        var sim = new Simulator();
        Pcpu[] p = [.. Enumerable.Range(0, cpus).Select(i => new Pcpu(i))];
        return (sim, new HostScheduler(sim, Profiles.SkylakeSp2020(), p, 250, NullTraceSink.Instance), p);
    }

    [Fact]
    public void YieldTo_BothRunQueuesHoldOneTask_IsESRCH()
    {
        var (sim, sched, _) = Host(2);
        var me = new T("me", 1) { PinnedCpu = 0 };
        var other = new T("other", 2) { PinnedCpu = 1 };
        sched.Start(me);
        sched.Start(other);
        sim.RunUntil(SimTime.Zero + SimSpan.FromMicroseconds(10));

        Assert.Equal(-1, sched.YieldTo(me, other));
    }

    [Fact]
    public void YieldTo_ARunningTarget_ReturnsZero()
    {
        var (sim, sched, _) = Host(2);
        var me = new T("me", 1) { PinnedCpu = 0 };
        var queued = new T("queued", 2) { PinnedCpu = 0 };
        var target = new T("target", 3) { PinnedCpu = 1 };
        sched.Start(me);
        sched.Start(queued);
        sched.Start(target);
        sim.RunUntil(SimTime.Zero + SimSpan.FromMicroseconds(10));

        Assert.Equal(0, sched.YieldTo(me, target));
    }

    [Fact]
    public void YieldTo_AQueuedTargetElsewhere_SetsNextAndSkip()
    {
        var (sim, sched, cpus) = Host(2);
        var me = new T("me", 1) { PinnedCpu = 0 };
        var mine = new T("mine", 2) { PinnedCpu = 0 };
        var busy = new T("busy", 3) { PinnedCpu = 1 };
        var target = new T("target", 4) { PinnedCpu = 1 };
        sched.Start(me);
        sched.Start(mine);
        sched.Start(busy);
        sched.Start(target);
        sim.RunUntil(SimTime.Zero + SimSpan.FromMicroseconds(10));
        HostThread yielder = cpus[0].Current!;
        HostThread queuedTarget = cpus[1].RunQueue.Leftmost!;

        Assert.Equal(1, sched.YieldTo(yielder, queuedTarget));
        Assert.Same(queuedTarget, cpus[1].RunQueue.Next);
        Assert.Same(yielder, cpus[0].RunQueue.Skip);
        Assert.True(cpus[1].Current!.NeedResched);
    }

    [Fact]
    public void YieldTo_SameRunQueue_DeboostRaisesTheYielderToTargetMinusGranularity()
    {
        var (sim, sched, cpus) = Host(1);
        var me = new T("me", 1) { PinnedCpu = 0 };
        var target = new T("target", 2) { PinnedCpu = 0 };
        sched.Start(me);
        sched.Start(target);
        sim.RunUntil(SimTime.Zero + SimSpan.FromMicroseconds(10));
        HostThread yielder = cpus[0].Current!;
        HostThread queued = cpus[0].RunQueue.Leftmost!;
        queued.VruntimeNs += 3 * Gran; // the target is far to the right: CFS would refuse it

        Assert.Equal(1, sched.YieldTo(yielder, queued, deboostYielder: true));
        Assert.Equal(queued.VruntimeNs - Gran, yielder.VruntimeNs);
    }
}
