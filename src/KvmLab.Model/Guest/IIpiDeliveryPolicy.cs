namespace KvmLab.Model.Guest;

/// <summary>How the guest's apic->send_IPI reaches the target.</summary>
public enum IpiRoute
{
    /// <summary>An ICR write (x2APIC WRMSR or xAPIC MMIO), by the guest's APIC mode.</summary>
    IcrWrite,

    /// <summary>KVM_HC_SEND_IPI: one hypercall per 128-APIC-id window.</summary>
    PvHypercall,

    /// <summary>ByteDance's exit-less PV IPI: post into the target's PI descriptor, then an unintercepted ICR write.</summary>
    ExitlessPost,
}

/// <summary>
/// Decision point of the guest's IPI send (arch/x86/kernel/kvm.c kvm_setup_pv_ipi, the APIC
/// drivers): which route an IPI to <paramref name="targets"/> CPUs takes. Upstream (with or
/// without KVM_FEATURE_PV_SEND_IPI) and ByteDance 2020 each answer it.
/// </summary>
public interface IIpiDeliveryPolicy
{
    /// <param name="x2apic">The guest's APIC is in x2APIC mode.</param>
    /// <param name="targets">How many CPUs the IPI goes to.</param>
    IpiRoute Route(bool x2apic, int targets);
}
