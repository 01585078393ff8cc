namespace KvmLab.Model.Kvm;

/// <summary>MSR numbers and APIC register offsets the model distinguishes (Intel SDM vol. 3, 10.12).</summary>
public static class MsrIndex
{
    /// <summary>x2APIC ICR: APIC_BASE_MSR (0x800) + (APIC_ICR 0x300 >> 4).</summary>
    public const uint X2ApicIcr = 0x830;

    /// <summary>x2APIC EOI: 0x800 + (APIC_EOI 0xB0 >> 4).</summary>
    public const uint X2ApicEoi = 0x80B;

    /// <summary>x2APIC LVT0: 0x800 + (APIC_LVT0 0x350 >> 4); a write KVM emulates (kvm_x2apic_msr_write), APICv or not.</summary>
    public const uint X2ApicLvt0 = 0x835;

    /// <summary>IA32_TSC_ADJUST, an MSR KVM emulates in the kernel (kvm_set_msr_common / kvm_get_msr_common).</summary>
    public const uint TscAdjust = 0x3B;

    /// <summary>IA32_TSC_DEADLINE.</summary>
    public const uint TscDeadline = 0x6E0;

    /// <summary>xAPIC MMIO register offsets (APIC-write exits report the offset).</summary>
    public const uint XApicIcrOffset = 0x300;

    public const uint XApicEoiOffset = 0x0B0;
}
