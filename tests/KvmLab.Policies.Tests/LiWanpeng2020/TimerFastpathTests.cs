using KvmLab.Model.Kvm;
using KvmLab.Policies.LiWanpeng2020;
using KvmLab.Policies.Upstream;

namespace KvmLab.Policies.Tests.LiWanpeng2020;

/// <summary>
/// handle_fastpath_set_tscdeadline (arch/x86/kvm/x86.c, v5.10) returns 1 — no fastpath — unless
/// kvm_can_use_hv_timer; handle_fastpath_preemption_timer (arch/x86/kvm/vmx/vmx.c) declines when
/// req_immediate_exit is set; vmx_exit_handlers_fastpath is not called for a nested guest.
/// </summary>
public class TimerFastpathTests
{
    private static readonly TimerFastpath Li = new();

    [Theory]
    [InlineData(true, false, true)]
    [InlineData(false, false, false)]  // MWAIT in guest, posted timer interrupts, or no preemption timer
    [InlineData(true, true, false)]    // L2 guest
    public void TscDeadlineWrite(bool canUseHvTimer, bool nested, bool expected)
    {
        Assert.Equal(expected, Li.TakesTscDeadlineFastpath(new TimerExitView(canUseHvTimer, nested, false)));
    }

    [Theory]
    [InlineData(false, false, true)]
    [InlineData(true, false, false)]   // req_immediate_exit: the timer only forced an exit
    [InlineData(false, true, false)]   // L2 guest
    public void PreemptionTimerExit(bool reqImmediateExit, bool nested, bool expected)
    {
        Assert.Equal(expected, Li.TakesPreemptionTimerFastpath(new TimerExitView(true, nested, reqImmediateExit)));
    }

    [Fact]
    public void Upstream57_NeverTakesATimerFastpath()
    {
        var up = new NoTimerFastpath();
        var best = new TimerExitView(true, false, false);

        Assert.False(up.TakesTscDeadlineFastpath(best));
        Assert.False(up.TakesPreemptionTimerFastpath(best));
    }
}
