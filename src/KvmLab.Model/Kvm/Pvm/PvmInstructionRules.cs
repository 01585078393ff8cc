namespace KvmLab.Model.Kvm.Pvm;

/// <summary>
/// What each instruction does on a PVM host, by where it runs (docs/PVM.md 1.1, 1.3). The rules
/// follow the PVM RFC's pvm.c: a PVM-mode guest's STI/CLI only flip PVCS::event_flags
/// (pvm_set_rflags, do_pvm_event: no exit); a privileged instruction of a PVM-mode guest raises #GP
/// in ring 3 and handle_exit_exception emulates it (GP_VECTOR -> kvm_emulate_instruction with
/// EMULTYPE_PVM_GP); I/O is always trapped (the cover letter: "forces I/O instructions in guest to
/// be trapped"); non-PVM-mode ring 0 is never entered (handle_non_pvm_mode emulates it).
/// </summary>
public static class PvmInstructionRules
{
    /// <param name="nested">The PVM host is itself a guest (CPUID then traps to L0, whatever the mode).</param>
    public static PvmInstructionOutcome Outcome(GuestInstruction i, PvmGuestMode mode, bool nested = true) => mode switch
    {
        PvmGuestMode.EmulatedRing0 => PvmInstructionOutcome.Emulated,
        PvmGuestMode.PvmSupervisor => i switch
        {
            GuestInstruction.Alu or GuestInstruction.Load or GuestInstruction.Store
                or GuestInstruction.Sti or GuestInstruction.Cli or GuestInstruction.Syscall => PvmInstructionOutcome.Native,
            GuestInstruction.Cpuid => nested ? PvmInstructionOutcome.InterceptedBelow : PvmInstructionOutcome.Exit,
            _ => PvmInstructionOutcome.Exit, // HLT, RDMSR, WRMSR, PIO, MMIO, IRETQ (the event return is a hypercall, ERETU/ERETS)
        },
        PvmGuestMode.NativeRing3 => i switch
        {
            GuestInstruction.Alu or GuestInstruction.Load or GuestInstruction.Store or GuestInstruction.Syscall => PvmInstructionOutcome.Native,
            GuestInstruction.Cpuid => nested ? PvmInstructionOutcome.InterceptedBelow : PvmInstructionOutcome.Exit,
            GuestInstruction.Mmio => PvmInstructionOutcome.Exit, // #PF -> shadow MMU -> MMIO emulation
            _ => PvmInstructionOutcome.GuestFault,               // STI, CLI (IOPL 0), HLT, RDMSR, WRMSR, PIO, IRETQ to ring 0: #GP
        },
        _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, null),
    };

    /// <summary>Whether the instruction is a VM exit KVM counts (its exits statistic), outside emulation batches.</summary>
    public static bool CountsAsExit(GuestInstruction i, PvmGuestMode mode, bool nested = true) =>
        Outcome(i, mode, nested) == PvmInstructionOutcome.Exit;
}
