namespace KvmLab.RealKvm.Guests;

/// <summary>Where the interrupt controllers live (Documentation/virt/kvm/api.rst: KVM_CREATE_IRQCHIP, KVM_CAP_SPLIT_IRQCHIP).</summary>
public enum IrqchipMode
{
    /// <summary>No in-kernel irqchip: no LAPIC, HLT exits to userspace.</summary>
    None,

    /// <summary>PIC, IOAPIC and LAPICs in the kernel.</summary>
    Full,

    /// <summary>LAPICs in the kernel, PIC and IOAPIC left to userspace.</summary>
    Split,
}
