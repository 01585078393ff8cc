namespace KvmLab.Model.Hardware;

/// <summary>
/// The host's virtualization flavour, which decides which features exist: Intel VMX (APICv, the
/// VMX preemption timer), AMD SVM (AVIC), or PVM (kvm_pvm: no hardware virtualization at all, the
/// guest runs in ring 3 and KVM emulates its ring 0; docs/PVM.md).
/// </summary>
public enum CpuVendor
{
    Intel,
    Amd,

    /// <summary>
    /// PVM: a KVM vendor module that needs no VMX/SVM (Lai Jiangshan et al., "[RFC PATCH 00/73] KVM:
    /// x86/PVM", Message-Id &lt;20240226143630.33643-1-jiangshanlai@gmail.com&gt;). Exits are switches
    /// between host user and host kernel, privileged instructions trap and are emulated, no posted
    /// interrupts, no APICv, no preemption timer. Its costs are <see cref="CostProfile.Pvm"/>.
    /// </summary>
    Pvm,
}
