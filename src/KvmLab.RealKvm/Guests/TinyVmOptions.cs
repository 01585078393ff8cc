namespace KvmLab.RealKvm.Guests;

/// <summary>How to build a <see cref="TinyVm"/>.</summary>
public sealed record TinyVmOptions
{
    public int Vcpus { get; init; } = 1;

    public IrqchipMode Irqchip { get; init; } = IrqchipMode.Full;

    /// <summary>Put the local APICs in x2APIC mode (MSR access) rather than xAPIC (MMIO page).</summary>
    public bool X2Apic { get; init; }

    /// <summary>KVM_CAP_HALT_POLL for this VM, in ns; null keeps the module's halt_poll_ns.</summary>
    public ulong? HaltPollNs { get; init; }

    /// <summary>KVM_CAP_X86_DISABLE_EXITS flags (1 MWAIT, 2 HLT, 4 PAUSE, 8 CSTATE); 0 for none.</summary>
    public ulong DisableExits { get; init; }
}
