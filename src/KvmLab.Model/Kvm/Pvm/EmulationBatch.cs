using KvmLab.Model.Hardware;

namespace KvmLab.Model.Kvm.Pvm;

/// <summary>
/// One pass of the non-PVM-mode emulator (RFC patch 49, "KVM: x86/PVM: Implement emulation for
/// non-PVM mode", Message-Id &lt;20240226143630.33643-50-jiangshanlai@gmail.com&gt;): pvm_vcpu_run
/// returns at once and handle_non_pvm_mode() emulates up to <see cref="PvmCosts.EmulationBatch"/>
/// instructions, returning to vcpu_run early on a pending event (where the emulator checks it per
/// instruction), HLT, or pending host work; an IRETQ to ring 3 also ends it (native entry). Each
/// pass is one count of KVM's exits statistic and the point where a pending interrupt is injected.
/// </summary>
public sealed class EmulationBatch
{
    private readonly PvmCosts _costs;

    public EmulationBatch(PvmCosts costs)
    {
        ArgumentNullException.ThrowIfNull(costs);
        if (costs.EmulationBatch < 1)
        {
            throw new ArgumentException("a PVM profile needs Pvm.EmulationBatch >= 1", nameof(costs));
        }

        _costs = costs;
    }

    /// <summary>Instructions emulated in this pass so far.</summary>
    public int Emulated { get; private set; }

    /// <summary>
    /// Emulates one instruction. Returns why the pass ends after it, or null to go on.
    /// <paramref name="eventPending"/>: KVM_REQ_EVENT is set; <paramref name="toRing3"/>: an IRETQ
    /// whose frame returns to CPL3; <paramref name="hostWork"/>: a signal or reschedule is pending.
    /// </summary>
    public BatchEnd? Step(GuestInstruction i, bool eventPending = false, bool toRing3 = false, bool hostWork = false)
    {
        // The RFC's loop tests KVM_REQ_EVENT before each instruction; this host's module does not
        // (an IPI to a vCPU spinning in ring 0 waits about one batch: docs/PVM.md 1.3).
        if (eventPending && _costs.EventCheckPerInstruction)
        {
            return BatchEnd.PendingEvent;
        }

        Emulated++;
        if (i == GuestInstruction.Hlt)
        {
            return BatchEnd.Halt;
        }

        if (i == GuestInstruction.Iretq && toRing3)
        {
            return BatchEnd.LeftRing0;
        }

        if (hostWork)
        {
            return BatchEnd.HostWork;
        }

        return Emulated >= _costs.EmulationBatch ? BatchEnd.Full : null;
    }

    /// <summary>Passes of the run loop (KVM's exits statistic) for a vCPU that emulates <paramref name="instructions"/> ring-0 instructions without leaving ring 0.</summary>
    public static long ExitsFor(long instructions, PvmCosts costs)
    {
        ArgumentNullException.ThrowIfNull(costs);
        return instructions <= 0 ? 0 : ((instructions - 1) / Math.Max(1, costs.EmulationBatch)) + 1;
    }
}
