namespace KvmLab.Model.Kvm;

/// <summary>The VM exit reasons the model produces (a closed set: switches over it are exhaustive).</summary>
public enum ExitReason
{
    /// <summary>WRMSR to an intercepted MSR (x2APIC ICR 0x830, EOI without APICv, TSC_DEADLINE...).</summary>
    MsrWrite,

    /// <summary>A trap-like write to the virtual-APIC page (xAPIC MMIO with APICv).</summary>
    ApicWrite,

    /// <summary>HLT with HLT exiting on.</summary>
    Hlt,

    /// <summary>A host interrupt arrived while in the guest (kick, host timer, reschedule).</summary>
    ExternalInterrupt,

    /// <summary>The VMX preemption timer counted down (the LAPIC timer emulated by hv_timer expired).</summary>
    PreemptionTimer,

    /// <summary>VMCALL/VMMCALL (here KVM_HC_SEND_IPI).</summary>
    Hypercall,

    /// <summary>AMD AVIC: an ICR write whose targets include a vCPU that is not running (AVIC_INCOMPLETE_IPI).</summary>
    AvicIncompleteIpi,

    /// <summary>Pause-loop exiting: a CPL0 PAUSE loop ran longer than ple_window (PAUSE_INSTRUCTION; SVM PAUSE with the pause filter).</summary>
    PauseLoop,

    /// <summary>
    /// A guest write to an MMIO address backed by no memory, which KVM maps with a misconfigured EPT
    /// entry (EPT_MISCONFIG; SVM NPF): a virtio-pci notify doorbell, served by an ioeventfd on KVM_FAST_MMIO_BUS.
    /// </summary>
    EptMisconfig,

    /// <summary>CPUID (always intercepted on VMX; handle_cpuid -> kvm_emulate_cpuid).</summary>
    Cpuid,

    /// <summary>IN/OUT to an intercepted port (IO_INSTRUCTION; handle_io -> kvm_fast_pio): an in-kernel device, a PIO ioeventfd, or QEMU.</summary>
    IoInstruction,

    /// <summary>RDMSR of an intercepted MSR (handle_rdmsr -> kvm_emulate_rdmsr).</summary>
    MsrRead,

    /// <summary>MOV to/from CR8 when the TPR shadow does not cover it (CR_ACCESS; handle_cr -> kvm_get_cr8 / kvm_set_cr8).</summary>
    CrAccess,

    /// <summary>The guest opened an interrupt window KVM asked for (INTERRUPT_WINDOW; handle_interrupt_window): a pending interrupt can now be injected.</summary>
    InterruptWindow,
}
