namespace KvmLab.Model.Kvm.Pvm;

/// <summary>What happens to one guest instruction on a PVM host.</summary>
public enum PvmInstructionOutcome
{
    /// <summary>Runs on the hardware; no exit.</summary>
    Native,

    /// <summary>Run by KVM's x86 emulator as part of an emulation batch; no exit of its own.</summary>
    Emulated,

    /// <summary>
    /// Faults from hardware ring 3 into the host (an exit: #GP for a privileged instruction, #PF on
    /// MMIO through the shadow MMU); KVM emulates it and switches back (PvmCosts.NativeExit).
    /// </summary>
    Exit,

    /// <summary>Intercepted below this KVM (by L0 when the PVM host is a guest: CPUID); KVM counts no exit (PvmCosts.L0Exit).</summary>
    InterceptedBelow,

    /// <summary>Raises #GP (or #UD) in the guest itself: a privileged instruction from guest user mode.</summary>
    GuestFault,
}
