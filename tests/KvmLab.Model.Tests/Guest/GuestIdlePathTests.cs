using KvmLab.Engine.Time;
using KvmLab.Model.Guest;
using KvmLab.Model.Kvm;
using KvmLab.Model.Storage;
using KvmLab.Model.Tests.Storage;
using KvmLab.Model.Workloads;
using KvmLab.Policies.ByteDance2020;

namespace KvmLab.Model.Tests.Guest;

/// <summary>
/// The guest idle path (kernel/sched/idle.c do_idle and cpuidle_idle_call, kernel/time/tick-sched.c
/// tick_nohz_idle_stop_tick / tick_nohz_idle_exit, drivers/cpuidle/governors/menu.c, haltpoll.c):
/// without a cpuidle driver every idle entry stops the NOHZ tick and the idle exit restarts it,
/// each an IA32_TSC_DEADLINE write; the menu governor keeps the tick for idles it predicts shorter
/// than a tick; cpuidle-haltpoll keeps it while it polls.
/// </summary>
public class GuestIdlePathTests
{
    private static GuestHarness Sleeper(SimSpan period, GuestConfig guest, bool passthrough = false, double ms = 50) =>
        new GuestHarness(new SleeperWorkload(period), vcpus: 1, guest: guest with { Hz = 1000 }, timerDelivery: passthrough ? new PassthroughTimer() : null)
            .Run(SimSpan.FromMilliseconds(ms));

    [Fact]
    public void WithoutADriver_AnIdleLongerThanATick_StopsAndRestartsTheTick_TwoDeadlineWrites()
    {
        // 5 ms sleeps: the idle loop stops the tick (the device is reprogrammed from the tick to the
        // sleeper's hrtimer) and the wake-up restarts it (the device reprogrammed to the next tick).
        GuestHarness h = Sleeper(SimSpan.FromMilliseconds(5), new GuestConfig());
        GuestTimers t = h.Vm.Guest.Cpus[0].Timers;
        Assert.InRange(t.TickStops, 9, 11);
        Assert.InRange(t.TickRestarts, t.TickStops - 1, t.TickStops); // the run may end in an idle period
        Assert.Equal(t.TickStops + t.TickRestarts, t.TickDeadlineWrites);
        Assert.True(h.Exits(ExitReason.MsrWrite) >= t.TickDeadlineWrites, "each write is an MSR_WRITE exit without the passthrough timer");
    }

    [Fact]
    public void WithThePassthroughTimer_TheSameWrites_ExitNot()
    {
        GuestHarness on = Sleeper(SimSpan.FromMilliseconds(5), new GuestConfig(), passthrough: true);
        GuestHarness off = Sleeper(SimSpan.FromMilliseconds(5), new GuestConfig());
        Assert.Equal(off.Vm.Guest.Cpus[0].Timers.TickDeadlineWrites, on.Vm.Guest.Cpus[0].Timers.TickDeadlineWrites);
        Assert.Equal(0, on.Exits(ExitReason.MsrWrite));
        Assert.True(off.Exits(ExitReason.MsrWrite) >= 2 * off.Vm.Guest.Cpus[0].Timers.TickStops);
    }

    [Fact]
    public void WithoutADriver_EvenShortIdlesStopTheTick()
    {
        // cpuidle_not_available: tick_nohz_idle_stop_tick runs on every idle entry, however short.
        GuestHarness h = Sleeper(SimSpan.FromMicroseconds(200), new GuestConfig(), ms: 20);
        GuestCpu cpu = h.Vm.Guest.Cpus[0];
        Assert.True(cpu.Timers.TickStops > 80, $"{cpu.Timers.TickStops} stops");
        Assert.InRange(cpu.Timers.TickRestarts, cpu.Timers.TickStops - 1, cpu.Timers.TickStops);
    }

    [Fact]
    public void TheMenuGovernor_KeepsTheTick_ForShortPredictedIdles()
    {
        // 200 us idles: predicted_ns (the sleep length, the typical interval) is below TICK_NSEC,
        // so menu_select sets *stop_tick = false and the tick keeps running: no stop, no restart.
        GuestHarness h = Sleeper(SimSpan.FromMicroseconds(200), new GuestConfig { CpuIdle = GuestCpuIdle.Menu }, ms: 20);
        GuestCpu cpu = h.Vm.Guest.Cpus[0];
        Assert.NotNull(cpu.Menu);
        Assert.Equal(0, cpu.Timers.TickStops);
        Assert.Equal(0, cpu.Timers.TickDeadlineWrites);
        Assert.True(cpu.Menu!.TickKept > 80);
        Assert.True(cpu.IdleEntries > 80);
    }

    [Fact]
    public void TheMenuGovernor_StopsTheTick_ForLongIdles()
    {
        // 5 ms idles: once the intervals and the correction factor have learned them, the
        // prediction is above a tick and the tick stops.
        GuestHarness h = Sleeper(SimSpan.FromMilliseconds(5), new GuestConfig { CpuIdle = GuestCpuIdle.Menu }, ms: 100);
        GuestTimers t = h.Vm.Guest.Cpus[0].Timers;
        Assert.True(t.TickStops >= 10, $"{t.TickStops} stops");
        Assert.InRange(t.TickRestarts, t.TickStops - 1, t.TickStops);
    }

    [Fact]
    public void Haltpoll_KeepsTheTickWhilePolling_AndItsPollsCatchTheWakeUps()
    {
        // haltpoll_select sets *stop_tick = false when it polls; 30 us wake-ups are caught in the window.
        GuestHarness h = new GuestHarness(new CyclictestWorkload { Threads = 1, Interval = SimSpan.FromMicroseconds(30) }, vcpus: 1, guest: new GuestConfig { HaltPoll = true, Hz = 1000 })
            .Run(SimSpan.FromMilliseconds(20), SimSpan.FromMilliseconds(2));
        GuestCpu cpu = h.Vm.Guest.Cpus[0];
        Assert.Equal(cpu.HaltPoll!.PollHits, cpu.IdlePollHits);
        Assert.True(cpu.IdlePollHits > 400);
        Assert.True(cpu.Timers.TickStops < 5, $"{cpu.Timers.TickStops} stops");
        Assert.True(h.Exits(ExitReason.Hlt) < 10);
    }

    [Fact]
    public void TheStorageLadder_UsesTheGuestKernelsHaltpoll()
    {
        // guest_haltpoll loads the same driver (GuestKernel.EnableHaltPoll) and the same idle loop:
        // the governor's hits are the idle loop's poll hits, and host halt polling is off.
        GuestHarness h = StorageRigTests.Run(new StorageConfig { Path = StoragePath.VirtioBlk, IoThread = true });
        GuestCpu cpu = h.Vm.Guest.Cpus[0];
        Assert.NotNull(cpu.HaltPoll);
        Assert.False(cpu.Vcpu.HostHaltPollAllowed);
        Assert.True(cpu.IdlePollHits > 0);
        Assert.Equal(cpu.HaltPoll!.PollHits, cpu.IdlePollHits);
    }

    /// <summary>One task on CPU 0 that sleeps <paramref name="period"/> at a time (an hrtimer each).</summary>
    private sealed class SleeperWorkload(SimSpan period) : IWorkload
    {
        public string Id => "sleeper";

        public string PrimaryMetric => "none";

        public bool Finished => false;

        public void Install(HostContext host, Vm vm) => vm.Guest.AddTask(new GuestTask("sleeper", 0, Program(vm.Guest)));

        public IReadOnlyList<WorkloadMetric> Report(HostContext host) => [];

        private IEnumerable<GuestOp> Program(GuestKernel k)
        {
            while (true)
            {
                yield return GuestOp.Compute(SimSpan.FromMicroseconds(10));
                yield return GuestOp.SleepUntil(k.Now + period);
            }
        }
    }
}
