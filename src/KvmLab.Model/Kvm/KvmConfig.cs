using KvmLab.Engine.Time;

namespace KvmLab.Model.Kvm;

/// <summary>Mechanism switches of the simulated KVM and of what the VMM exposes to the guest that are not policies.</summary>
public sealed record KvmConfig
{
    /// <summary>APICv posted interrupts and virtual-interrupt delivery (enable_apicv; Intel).</summary>
    public bool ApicV { get; init; } = true;

    /// <summary>AMD AVIC (svm avic=1): hardware IPI delivery to running targets, xAPIC guests only (5.x).</summary>
    public bool Avic { get; init; }

    /// <summary>HLT exits to the host (off with KVM_X86_DISABLE_EXITS_HLT / cpu-pm=on).</summary>
    public bool HltExits { get; init; } = true;

    /// <summary>MWAIT passed through (KVM_X86_DISABLE_EXITS_MWAIT): kvm_can_use_hv_timer is then false.</summary>
    public bool MwaitInGuest { get; init; }

    /// <summary>The VMX preemption timer may emulate the LAPIC timer (kvm_intel preemption_timer=1).</summary>
    public bool PreemptionTimer { get; init; } = true;

    /// <summary>lapic_timer_advance_ns: the initial advance; adaptive when <see cref="AdaptiveTimerAdvance"/>.</summary>
    public SimSpan TimerAdvance { get; init; } = SimSpan.FromNanoseconds(1000);

    /// <summary>lapic_timer_advance_ns = -1 (the 5.x default): adjust the advance after each expiry.</summary>
    public bool AdaptiveTimerAdvance { get; init; } = true;




    /// <summary>Pause-loop exiting (VMX PLE, SVM pause filter); off with KVM_X86_DISABLE_EXITS_PAUSE or ple_gap=0.</summary>
    public bool PauseLoopExiting { get; init; } = true;

    /// <summary>ple_window / pause_filter_count and its grow, shrink and maximum (see <see cref="PleSettings"/>).</summary>
    public PleSettings Ple { get; init; } = PleSettings.Vmx;

    /// <summary>The boosting rules kvm_vcpu_on_spin and the hypercalls apply.</summary>
    public DirectedYieldOptions DirectedYield { get; init; } = new();
}
