using KvmLab.Model.Kvm;

namespace KvmLab.Policies.LiWanpeng2020;

/// <summary>
/// The TSC-deadline timer fastpaths of Linux 5.8: handle_fastpath_set_tscdeadline (commit
/// ae95f566b3d2) emulates a WRMSR to IA32_TSC_DEADLINE with IRQs off when kvm_can_use_hv_timer
/// holds, and handle_fastpath_preemption_timer (commit 26efe2fd92e5) expires the hv timer unless
/// the timer was only armed to force an immediate exit; both return EXIT_FASTPATH_REENTER_GUEST
/// (arch/x86/kvm/x86.c, arch/x86/kvm/vmx/vmx.c, v5.10). Nested guests never take them.
/// </summary>
public sealed class TimerFastpath : ITimerFastpathPolicy, IPolicyInfo
{
    public string Id => "li2020/timer-fastpath";

    public string Summary => "TSC_DEADLINE writes and preemption-timer exits handled with IRQs off, re-entering the guest directly";

    public string Citation => "Li 2020 KVM Forum; commits ae95f566b3d2, 26efe2fd92e5, 379a3c8ee444 (Linux 5.8)";

    public bool TakesTscDeadlineFastpath(in TimerExitView exit) => !exit.GuestIsNested && exit.CanUseHvTimer;

    public bool TakesPreemptionTimerFastpath(in TimerExitView exit) => !exit.GuestIsNested && !exit.ReqImmediateExit;
}
