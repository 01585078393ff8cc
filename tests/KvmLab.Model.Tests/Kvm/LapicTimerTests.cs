using KvmLab.Engine.Time;
using KvmLab.Model.Guest;
using KvmLab.Model.Kvm;
using KvmLab.Model.Workloads;

namespace KvmLab.Model.Tests.Kvm;

/// <summary>
/// The LAPIC TSC-deadline timer against arch/x86/kvm/lapic.c and vmx/vmx.c (v5.8-5.10):
/// start_hv_timer when kvm_can_use_hv_timer, else start_sw_timer; vmx_pre_block moves the hv
/// timer to an hrtimer; handle_fastpath_set_tscdeadline and handle_fastpath_preemption_timer
/// return EXIT_FASTPATH_REENTER_GUEST; adjust_lapic_timer_advance.
/// </summary>
public class LapicTimerTests
{
    private static readonly SimSpan Run = SimSpan.FromMilliseconds(30);

    private static GuestHarness Cyclictest(KvmConfig? config = null, bool timerFastpath = true, bool idlePoll = false, int hz = 1000, ITimerDeliveryPolicy? delivery = null) =>
        new GuestHarness(new CyclictestWorkload(), config: config, timerFastpath: timerFastpath,
            guest: new GuestConfig { Hz = hz, IdlePoll = idlePoll }, timerDelivery: delivery).Run(Run);

    [Fact]
    public void TscDeadlineWrite_WithHvTimer_TakesTheFastpath()
    {
        var h = Cyclictest();
        long writes = h.Exits(ExitReason.MsrWrite);

        Assert.True(writes > 20, $"expected TSC_DEADLINE writes, got {writes}");
        Assert.Equal(writes, h.FastpathExits);
    }

    [Fact]
    public void TscDeadlineWrite_WithMwaitInGuest_TakesTheFullPath()
    {
        // kvm_can_use_hv_timer is false when MWAIT is passed through: handle_fastpath_set_tscdeadline returns 1.
        var h = Cyclictest(new KvmConfig { MwaitInGuest = true });

        Assert.True(h.Exits(ExitReason.MsrWrite) > 20);
        Assert.Equal(0, h.FastpathExits);
        Assert.Equal(0, h.Exits(ExitReason.PreemptionTimer));
    }

    [Fact]
    public void TscDeadlineWrite_WithoutThePolicy_TakesTheFullPath()
    {
        var h = Cyclictest(timerFastpath: false);

        Assert.True(h.Exits(ExitReason.MsrWrite) > 20);
        Assert.Equal(0, h.FastpathExits);
    }

    [Fact]
    public void HaltedVcpu_TimerFiresAsHostHrtimer_NoPreemptionTimerExit()
    {
        // cyclictest's vCPU halts between periods: vmx_pre_block switched the timer to an hrtimer.
        var h = Cyclictest();

        Assert.Equal(0, h.Exits(ExitReason.PreemptionTimer));
        Assert.True(h.Vcpu(0).Timer.Expiries > 20);
    }

    [Fact]
    public void IdlePollGuest_TimerFiresInGuest_AsPreemptionTimerExit_ThroughTheFastpath()
    {
        var h = Cyclictest(idlePoll: true);
        long preemption = h.Exits(ExitReason.PreemptionTimer);

        Assert.True(preemption > 20, $"expected preemption-timer exits, got {preemption}");
        Assert.Equal(0, h.Exits(ExitReason.Hlt));
        Assert.Equal(h.Exits(ExitReason.MsrWrite) + preemption, h.FastpathExits);
    }

    [Fact]
    public void IdlePollGuest_WithoutThePolicy_PreemptionTimerExitsTakeTheFullPath()
    {
        var h = Cyclictest(timerFastpath: false, idlePoll: true);

        Assert.True(h.Exits(ExitReason.PreemptionTimer) > 20);
        Assert.Equal(0, h.FastpathExits);
    }

    [Fact]
    public void PassthroughTimer_DeadlineWritesDoNotExit_ExpiriesInGuestAreExternalInterrupts()
    {
        var h = Cyclictest(idlePoll: true, delivery: new Policies.ByteDance2020.PassthroughTimer());

        Assert.Equal(0, h.Exits(ExitReason.MsrWrite));
        Assert.Equal(0, h.Exits(ExitReason.PreemptionTimer));
        Assert.True(h.Exits(ExitReason.ExternalInterrupt) > 20);
        Assert.True(h.Vm.Guest.Cpus[0].Timers.DeadlineWrites > 20);
    }

    [Fact]
    public void Fastpath_LowersCyclictestLatency()
    {
        double fast = Cyclictest().Metric("latency_avg");
        double full = Cyclictest(timerFastpath: false).Metric("latency_avg");

        Assert.True(fast < full, $"fastpath {fast} us should be below full path {full} us");
    }

    [Fact]
    public void AdaptiveAdvance_MovesFromItsInitialValue_FixedAdvanceDoesNot()
    {
        var adaptive = Cyclictest();
        var fixedAdvance = Cyclictest(new KvmConfig { AdaptiveTimerAdvance = false });

        Assert.NotEqual(SimSpan.FromNanoseconds(1000), adaptive.Vcpu(0).Timer.Advance);
        Assert.Equal(SimSpan.FromNanoseconds(1000), fixedAdvance.Vcpu(0).Timer.Advance);
    }

    [Theory]
    [InlineData(1000, -400, 950)]   // early by 1000 cycles at 2.5 GHz: advance -= 400/8
    [InlineData(1000, 800, 1100)]   // late by 2000 cycles: advance += 800/8
    [InlineData(1000, -30, 1000)]   // 75 cycles: below LAPIC_TIMER_ADVANCE_ADJUST_MIN (100 cycles)
    [InlineData(1000, 5000, 1000)]  // 12500 cycles: above LAPIC_TIMER_ADVANCE_ADJUST_MAX (10000 cycles)
    [InlineData(4900, 3200, 1000)]  // 5300 ns > LAPIC_TIMER_ADVANCE_NS_MAX (5000): reset to NS_INIT (1000)
    public void AdjustedAdvance_FollowsAdjustLapicTimerAdvance(long advanceNs, long deltaNs, long expectedNs)
    {
        SimSpan result = LapicTimer.AdjustedAdvance(new SimSpan(advanceNs), deltaNs, 2.5);

        Assert.Equal(expectedNs, result.Ns);
    }

    [Fact]
    public void SameSeed_SameLatencies()
    {
        double a = Cyclictest().Metric("latency_avg");
        double b = Cyclictest().Metric("latency_avg");

        Assert.Equal(a, b);
    }
}
