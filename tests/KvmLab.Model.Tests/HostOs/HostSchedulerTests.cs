using KvmLab.Engine.Events;
using KvmLab.Engine.Time;
using KvmLab.Engine.Tracing;
using KvmLab.Model.Hardware;
using KvmLab.Model.HostOs;
using ThreadState = KvmLab.Model.HostOs.ThreadState;

namespace KvmLab.Model.Tests.HostOs;

/// <summary>
/// Wakeup preemption as kernel/sched/fair.c (v5.10) does it: check_preempt_wakeup calls
/// wakeup_preempt_entity(se, pse), which returns 1 (resched_curr) when
/// curr->vruntime - woken->vruntime &gt; wakeup_gran (sysctl_sched_wakeup_granularity scaled by
/// the woken entity's weight); place_entity puts a waking task at no less than
/// min_vruntime - sched_latency/2 (GENTLE_FAIR_SLEEPERS).
/// </summary>
public class HostSchedulerTests
{
    private readonly Simulator _sim = new();
    private readonly HostScheduler _sched;

    public HostSchedulerTests()
    {
        // One pCPU: latency 6 ms, wakeup granularity 1 ms.
        _sched = new HostScheduler(_sim, Profiles.SkylakeSp2020(), [new Pcpu(0)], 250, NullTraceSink.Instance);
    }

    private sealed class RecordingThread(string name, int id) : HostThread(name, id)
    {
        public List<SimTime> ScheduledIn { get; } = [];

        public List<SimTime> ReschedRequests { get; } = [];

        protected internal override void OnScheduledIn(SimTime now) => ScheduledIn.Add(now);

        protected internal override void OnReschedRequested(SimTime now) => ReschedRequests.Add(now);
    }

    private (RecordingThread Running, RecordingThread Woken) RunFirstFor(SimSpan ran)
    {
        var a = new RecordingThread("a", 0) { PinnedCpu = 0 };
        var b = new RecordingThread("b", 1) { PinnedCpu = 0 };
        _sched.Start(a);
        _sim.RunUntil(SimTime.Zero + ran);
        Assert.Equal([SimTime.Zero], a.ScheduledIn);
        Assert.Equal(ThreadState.Running, a.State);
        return (a, b);
    }

    [Fact]
    public void Wake_FarBehindCurrent_RequestsResched()
    {
        // a runs 5 ms: min_vruntime = 5 ms; b is placed at 5 - 6/2 = 2 ms; gap 3 ms > 1 ms.
        var (a, b) = RunFirstFor(SimSpan.FromMilliseconds(5));
        _sched.Wake(b);

        Assert.Equal(ThreadState.Runnable, b.State);
        Assert.Equal(SimSpan.FromMilliseconds(2).Ns, b.VruntimeNs);
        Assert.True(a.NeedResched);
        Assert.Equal([_sim.Now], a.ReschedRequests);
        Assert.Empty(b.ScheduledIn);
    }

    [Fact]
    public void Wake_WithinGranularity_DoesNotRequestResched()
    {
        // a runs 0.5 ms: b is placed at max(0, 0.5 - 3) = 0; gap 0.5 ms <= 1 ms.
        var (a, b) = RunFirstFor(SimSpan.FromMicroseconds(500));
        _sched.Wake(b);

        Assert.Equal(ThreadState.Runnable, b.State);
        Assert.False(a.NeedResched);
        Assert.Empty(a.ReschedRequests);
    }

    [Fact]
    public void Wake_JustOverGranularity_RequestsResched()
    {
        // a runs 1.5 ms: b placed at 0 (floor is negative); gap 1.5 ms > 1 ms.
        var (a, b) = RunFirstFor(SimSpan.FromMicroseconds(1500));
        _sched.Wake(b);

        Assert.True(a.NeedResched);
        Assert.Single(a.ReschedRequests);
    }

    [Fact]
    public void Preempt_AfterResched_SwitchesToWokenThread()
    {
        var (a, b) = RunFirstFor(SimSpan.FromMilliseconds(5));
        _sched.Wake(b);
        _sched.Preempt(a);
        _sim.RunUntil(_sim.Now + SimSpan.FromMicroseconds(10));

        Assert.Single(b.ScheduledIn);
        Assert.Equal(ThreadState.Running, b.State);
        Assert.Equal(ThreadState.Runnable, a.State);
        Assert.False(a.NeedResched);
    }
}
