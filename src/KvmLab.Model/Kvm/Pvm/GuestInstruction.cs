namespace KvmLab.Model.Kvm.Pvm;

/// <summary>The instruction kinds whose handling differs on a PVM host (docs/PVM.md 1.1, 1.3).</summary>
public enum GuestInstruction
{
    /// <summary>Register-only, unprivileged (NOP, MOV r,r, ALU, RDTSC, PAUSE, LFENCE).</summary>
    Alu,
    Load,
    Store,
    Sti,
    Cli,
    Hlt,
    Cpuid,
    Rdmsr,
    Wrmsr,

    /// <summary>IN/OUT.</summary>
    Pio,

    /// <summary>A load or store to an emulated device's MMIO page (APIC, ioeventfd, userspace device).</summary>
    Mmio,
    Iretq,
    Syscall,
}
