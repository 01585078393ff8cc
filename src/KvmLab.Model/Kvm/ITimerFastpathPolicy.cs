namespace KvmLab.Model.Kvm;

/// <summary>What KVM knows at a timer-related exit, for the fastpath decision.</summary>
/// <param name="CanUseHvTimer">kvm_can_use_hv_timer: VMX preemption timer, no MWAIT passthrough, no posted timer interrupts.</param>
/// <param name="GuestIsNested">vmx_exit_handlers_fastpath is skipped for L2 (is_guest_mode).</param>
/// <param name="ReqImmediateExit">The preemption timer was armed only to force an immediate exit (req_immediate_exit).</param>
public readonly record struct TimerExitView(bool CanUseHvTimer, bool GuestIsNested, bool ReqImmediateExit);

/// <summary>
/// Decision points: does a WRMSR to IA32_TSC_DEADLINE, or a VMX preemption-timer exit, take the
/// early fastpath that re-enters the guest (EXIT_FASTPATH_REENTER_GUEST) instead of the full
/// vcpu_enter_guest loop?
/// </summary>
public interface ITimerFastpathPolicy
{
    bool TakesTscDeadlineFastpath(in TimerExitView exit);

    bool TakesPreemptionTimerFastpath(in TimerExitView exit);
}
