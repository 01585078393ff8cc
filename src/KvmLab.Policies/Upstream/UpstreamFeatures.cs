using KvmLab.Model.Hardware;

namespace KvmLab.Policies.Upstream;

/// <summary>Mainline Linux KVM's own mechanisms (v5.6-5.10), each a switch.</summary>
public static class UpstreamFeatures
{
    public static IReadOnlyList<FeatureInfo> All { get; } =
    [
        new(FeatureCatalog.ApicV, "Intel posted interrupts and virtual-interrupt delivery: no exit to receive an IPI, EOI virtualized",
            "Intel SDM vol. 3 ch. 29; arch/x86/kvm/vmx/vmx.c vmx_deliver_posted_interrupt", true, s => s.Config = s.Config with { ApicV = true })
        {
            Needs = CpuVendor.Intel,
        },
        new(FeatureCatalog.Avic, "AMD AVIC: IPIs to running vCPUs delivered by hardware; an exit and a scan of all vCPUs when a target is not running (xAPIC guests)",
            "AMD APM vol. 2 ch. 15.29; arch/x86/kvm/svm/avic.c avic_incomplete_ipi_interception (v5.10)", false, s => s.Config = s.Config with { Avic = true })
        {
            Needs = CpuVendor.Amd,
            Conflict = c => c.Enabled.Contains(FeatureCatalog.ApicV)
                ? new("apicv (Intel) and avic (AMD) are different platforms' features; enable one", false)
                : c.GuestX2Apic
                    ? new("AVIC in Linux 5.x supports xAPIC guests only (x2APIC inhibits it); set the guest's apic to xapic", true)
                    : null,
        },
        new(FeatureCatalog.HaltPolling, "Host halt polling before a halted vCPU's thread sleeps (adaptive, up to halt_poll_ns)",
            "virt/kvm/kvm_main.c kvm_vcpu_block (v5.10); commit aca6ff29c406", true, s => s.HaltPolling = true),
        new(FeatureCatalog.HltExits, "HLT exits to the host (off = KVM_X86_DISABLE_EXITS_HLT, QEMU -overcommit cpu-pm=on)",
            "arch/x86/kvm/x86.c KVM_CAP_X86_DISABLE_EXITS", true, s => s.Config = s.Config with { HltExits = true }),
        new(FeatureCatalog.PreemptionTimer, "The VMX preemption timer emulates the guest's TSC-deadline timer while the vCPU runs (Intel only)",
            "arch/x86/kvm/lapic.c start_hv_timer, kvm_intel preemption_timer (v5.10)", true, s => s.Config = s.Config with { PreemptionTimer = true })
        {
            Needs = CpuVendor.Intel,
        },
        new(FeatureCatalog.MwaitInGuest, "MWAIT passed through (KVM_X86_DISABLE_EXITS_MWAIT): kvm_can_use_hv_timer is false, so timers use host hrtimers",
            "arch/x86/kvm/lapic.c kvm_can_use_hv_timer (v5.10)", false, s => s.Config = s.Config with { MwaitInGuest = true }),
        new(FeatureCatalog.AdaptiveTimerAdvance, "lapic_timer_advance_ns = -1: fire the timer early and adapt the advance to the injection latency",
            "arch/x86/kvm/lapic.c adjust_lapic_timer_advance (v5.10); commit 3b8a5df6c4dc", true, s => s.Config = s.Config with { AdaptiveTimerAdvance = true }),
        new(FeatureCatalog.PvSendIpi, "KVM_FEATURE_PV_SEND_IPI exposed: a multicast is one KVM_HC_SEND_IPI hypercall per 128 APIC ids",
            "commits 4180bf1b655a (host), aaffcfd1e82d (guest); arch/x86/kernel/kvm.c __send_ipi_mask", false, s => s.IpiDelivery = new IcrIpiDelivery(pvSendIpi: true)),
        new(FeatureCatalog.PauseLoopExiting, "Pause-loop exiting: a CPL0 PAUSE loop longer than ple_window exits and kvm_vcpu_on_spin yields to a candidate",
            "arch/x86/kvm/vmx/vmx.c handle_pause, grow/shrink_ple_window; virt/kvm/kvm_main.c kvm_vcpu_on_spin (v5.6)", true, s => s.Config = s.Config with { PauseLoopExiting = true }),
    ];
}
