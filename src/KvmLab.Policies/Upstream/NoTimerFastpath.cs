using KvmLab.Model.Kvm;

namespace KvmLab.Policies.Upstream;

/// <summary>Linux before 5.8: every TSC_DEADLINE write and preemption-timer exit takes the full exit path.</summary>
public sealed class NoTimerFastpath : ITimerFastpathPolicy, IPolicyInfo
{
    public string Id => "upstream/no-timer-fastpath";

    public string Summary => "TSC_DEADLINE writes and preemption-timer exits go through vcpu_enter_guest (Linux 5.7 and before)";

    public string Citation => "arch/x86/kvm/vmx/vmx.c handle_preemption_timer, arch/x86/kvm/x86.c kvm_set_msr_common (v5.7)";

    public bool TakesTscDeadlineFastpath(in TimerExitView exit) => false;

    public bool TakesPreemptionTimerFastpath(in TimerExitView exit) => false;
}
