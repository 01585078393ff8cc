using KvmLab.Engine.Time;

namespace KvmLab.Model.Hardware;

/// <summary>
/// The PVM flavour's own costs (docs/PVM.md section 4.1): what an emulated guest instruction costs
/// by class, the batch the emulator runs, and the switches of a guest that runs natively in ring 3.
/// VMX and SVM profiles carry <see cref="None"/> (every field zero): no fit frees, no sensitivity
/// perturbs and no charge reads a zero PVM field on those hosts. Values and their sources: the
/// profile that builds them (<see cref="PvmHere"/>) and docs/MODEL.md ("PVM").
/// </summary>
public sealed record PvmCosts
{
    /// <summary>One register-only guest ring-0 instruction run by KVM's x86 emulator (NOP, MOV r,r, STI, CLI, RDTSC...).</summary>
    public SimSpan EmulatedAlu { get; init; }

    /// <summary>One emulated ring-0 instruction with a memory read (the guest page walk through the shadow MMU).</summary>
    public SimSpan EmulatedLoad { get; init; }

    /// <summary>One emulated ring-0 instruction with a memory write (an APIC-page or ioeventfd store included).</summary>
    public SimSpan EmulatedStore { get; init; }

    /// <summary>One emulated ring-0 read-modify-write (INC [m]).</summary>
    public SimSpan EmulatedRmw { get; init; }

    /// <summary>An emulated IRETQ (frame pop, segment and RFLAGS checks).</summary>
    public SimSpan EmulatedIret { get; init; }

    /// <summary>A ring-3 fault (#PF on MMIO, #GP) from natively running guest code into KVM's in-kernel handler and back to native execution.</summary>
    public SimSpan NativeExit { get; init; }

    /// <summary>
    /// The part of <see cref="NativeExit"/> after the emulated access has taken effect: the switch
    /// back to native ring 3 (trampoline re-armed, IRET). An ICR store from native code sends its
    /// IPI this long before the sender runs again.
    /// </summary>
    public SimSpan NativeExitReturn { get; init; }

    /// <summary>Return from KVM_RUN to the VMM and the next KVM_RUN, from emulated mode.</summary>
    public SimSpan UserExit { get; init; }

    /// <summary>Extra when a return to the VMM leaves native execution: the world-switch trampoline disarmed and armed again.</summary>
    public SimSpan UserExitNativeReload { get; init; }

    /// <summary>Injecting an interrupt into a non-PVM-mode guest: IDT gate read and frame push, emulated (pvm_deliver_pending_event).</summary>
    public SimSpan InterruptInject { get; init; }

    /// <summary>Making a vCPU that runs natively on another pCPU exit to take a pending interrupt (host IPI, through L0 when nested).</summary>
    public SimSpan NativeKick { get; init; }

    /// <summary>A guest instruction intercepted below this KVM (by L0 when the PVM host is itself a guest: CPUID).</summary>
    public SimSpan L0Exit { get; init; }

    /// <summary>Extra lateness of a host timer whose pCPU has idled longer than <see cref="IdleDeepAfter"/> (a deeper sleep, in L0 when nested).</summary>
    public SimSpan DeepIdleExit { get; init; }

    /// <summary>How long a pCPU idles before a wake-up pays <see cref="DeepIdleExit"/>.</summary>
    public SimSpan IdleDeepAfter { get; init; }

    /// <summary>
    /// Guest ring-0 instructions the emulator runs per pass of KVM's run loop (a count, not a
    /// duration): the RFC's handle_non_pvm_mode runs up to 130; this host's kvm_pvm.pvm_emul_batch.
    /// Each pass is one count of KVM's exits statistic and, for a vCPU that stays in ring 0, the
    /// point where a pending interrupt is injected.
    /// </summary>
    public int EmulationBatch { get; init; }

    /// <summary>
    /// Whether the emulator checks KVM_REQ_EVENT before every instruction (the RFC's
    /// handle_non_pvm_mode does) or only at the end of a batch (this host's module: an IPI to a vCPU
    /// spinning in ring 0 waits about one batch, docs/PVM.md section 1.3).
    /// </summary>
    public bool EventCheckPerInstruction { get; init; }

    /// <summary>A VMX or SVM host: no PVM costs.</summary>
    public static PvmCosts None { get; } = new();

    /// <summary>The RFC's batch: handle_non_pvm_mode's loop of at most 130 instructions (RFC patch 49).</summary>
    public const int RfcEmulationBatch = 130;
}
