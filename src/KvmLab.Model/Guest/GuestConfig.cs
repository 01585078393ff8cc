namespace KvmLab.Model.Guest;

/// <summary>What runs inside a VM.</summary>
public enum GuestKernelKind
{
    /// <summary>A Linux guest: idle loop around HLT, call-function IPIs through the csd queues.</summary>
    Linux,

    /// <summary>A kvm-unit-tests image: APs sit in "hlt; jmp 1b" with no idle-loop work (x86/cstart64.S).</summary>
    KvmUnitTests,
}

/// <summary>The guest kernel's configuration.</summary>
public sealed record GuestConfig
{
    public GuestKernelKind Kind { get; init; } = GuestKernelKind.Linux;

    /// <summary>x2APIC (ICR by WRMSR 0x830, physical destination mode) rather than xAPIC MMIO.</summary>
    public bool X2Apic { get; init; } = true;
}
