using KvmLab.Engine.Time;
using KvmLab.Model.Hardware;
using KvmLab.Model.Kvm;

namespace KvmLab.Policies.Upstream;

/// <summary>Upstream: IA32_TSC_DEADLINE writes exit and KVM emulates the timer (hrtimer or the VMX preemption timer).</summary>
public sealed class EmulatedTimer : ITimerDeliveryPolicy, IPolicyInfo
{
    public string Id => "upstream/emulated-lapic-timer";

    public string Summary => "TSC_DEADLINE writes exit; KVM emulates the timer with an hrtimer or the VMX preemption timer";

    public string Citation => "arch/x86/kvm/lapic.c kvm_set_lapic_tscdeadline_msr, start_hv_timer (v5.10)";

    public bool GuestProgramsTimer => false;

    public SimSpan EntrySwitch(CostProfile costs) => SimSpan.Zero;
}
