using KvmLab.Engine.Time;
using KvmLab.Model.Guest;
using KvmLab.Model.Kvm;
using KvmLab.Model.Workloads;

namespace KvmLab.Model.Tests.Guest;

/// <summary>
/// The guest's idle loop with cpuidle-haltpoll (drivers/cpuidle/cpuidle-haltpoll.c,
/// governors/haltpoll.c, poll_state.c poll_idle), for any workload: the driver turns host halt
/// polling off (MSR_KVM_POLL_CONTROL = 0, arch_haltpoll_enable); the first idle halts (poll limit
/// 0), halts shorter than guest_halt_poll_ns grow the limit, and then an idle CPU polls in guest
/// mode — a wake-up needs no reschedule IPI (TIF_POLLING_NRFLAG) and an interrupt needs no HLT exit.
/// </summary>
public class GuestHaltPollIdleTests
{
    /// <summary>
    /// cyclictest with one thread: a timer wakes it every 30 us, the CPU idles in between — shorter
    /// than the first poll limit (50 us). (With idle periods longer than the limit the poll times out
    /// and the halt after it is shorter than the limit, so haltpoll.c never grows it: faithfully so.)
    /// </summary>
    private static GuestHarness Run(bool haltPoll) =>
        new GuestHarness(new CyclictestWorkload { Threads = 1, Interval = SimSpan.FromMicroseconds(30) }, vcpus: 1, guest: new GuestConfig { HaltPoll = haltPoll })
            .Run(SimSpan.FromMilliseconds(20), SimSpan.FromMilliseconds(2));

    [Fact]
    public void TheDriver_TurnsHostHaltPollingOff_OnEveryVcpu()
    {
        GuestHarness h = Run(haltPoll: true);
        Assert.All(h.Vm.Vcpus, v => Assert.False(v.HostHaltPollAllowed));
        Assert.All(h.Vm.Vcpus, v => Assert.Equal(0, v.Stats.HaltPollAttempts));
    }

    [Fact]
    public void AnIdleCpu_PollsInTheGuest_AndCatchesTheWakeUpsWithoutHalting()
    {
        // The timer's interrupt wakes the task, need_resched ends poll_idle: no HLT exit, no host block.
        GuestHarness on = Run(haltPoll: true);
        GuestHarness off = Run(haltPoll: false);
        GuestCpu cpu = on.Vm.Guest.Cpus[0];

        Assert.NotNull(cpu.HaltPoll);
        Assert.Equal(50_000, cpu.HaltPoll!.PollLimitNs); // grown from 0 to guest_halt_poll_grow_start by the first halt
        Assert.True(cpu.HaltPoll.PollHits > 400, $"{cpu.HaltPoll.PollHits} polls caught their wake-up");
        Assert.True(cpu.HaltPoll.Halts < 10, $"{cpu.HaltPoll.Halts} halts");
        Assert.True(on.Vcpu(0).Stats.ExitCount(ExitReason.Hlt) < 10);
        Assert.True(off.Vcpu(0).Stats.ExitCount(ExitReason.Hlt) > 400);
        Assert.True(cpu.SpinGuestNs > 0.5 * SimSpan.FromMilliseconds(20).Ns, "the idle CPU spins in guest mode");
        Assert.Null(off.Vm.Guest.Cpus[0].HaltPoll);
    }

    [Fact]
    public void AnInterruptThatWakesNothing_DoesNotEndThePoll()
    {
        // poll_idle loops while !need_resched(): an IPI whose handler wakes no task leaves it polling
        // until the limit, so a target of bare IPIs alternates timed-out polls and halts.
        GuestHarness h = new GuestHarness(new IpiSendWorkload { Period = SimSpan.FromMicroseconds(50) }, vcpus: 2, guest: new GuestConfig { HaltPoll = true })
            .Run(SimSpan.FromMilliseconds(10), SimSpan.FromMilliseconds(1));
        GuestHaltPollGovernor target = h.Vm.Guest.Cpus[1].HaltPoll!;
        Assert.Equal(0, target.PollHits);
        Assert.True(target.PollTimeouts > 10);
        Assert.True(target.Halts > 10);
    }

    [Fact]
    public void ThePollLimit_StartsAtZero_SoTheFirstIdleHalts()
    {
        // haltpoll_enable_device: poll_limit_ns = 0, and haltpoll_select returns the halt state for it.
        GuestHarness h = new GuestHarness(new Nothing(), vcpus: 1, guest: new GuestConfig { HaltPoll = true }).Run(SimSpan.FromMicroseconds(100));
        Assert.Equal(1, h.Vcpu(0).Stats.ExitCount(ExitReason.Hlt));
        Assert.Equal(VcpuMode.Blocked, h.Vcpu(0).Mode);
        Assert.Equal(0, h.Vm.Guest.Cpus[0].HaltPoll!.PollHits);
    }

    private sealed class Nothing : IWorkload
    {
        public string Id => "nothing";

        public string PrimaryMetric => "none";

        public bool Finished => false;

        public void Install(HostContext host, Vm vm)
        {
        }

        public IReadOnlyList<WorkloadMetric> Report(HostContext host) => [];
    }
}
