using KvmLab.Engine.Time;
using KvmLab.Model.Hardware;

namespace KvmLab.Model.Kvm.Pvm;

/// <summary>
/// Interrupt delivery on a PVM host (RFC patch 25, APIC callbacks, Message-Id
/// &lt;20240226143630.33643-26-jiangshanlai@gmail.com&gt;; patch 27, event injection): hardware_setup
/// sets enable_apicv = 0 and pvm_deliver_interrupt is kvm_lapic_set_irr + KVM_REQ_EVENT +
/// kvm_vcpu_kick, so there is no posted-interrupt path; the vector is injected on the next entry
/// (inject_irq -> do_pvm_event; here pvm_deliver_pending_event, the IDT frame push emulated).
/// </summary>
public static class PvmInterrupts
{
    /// <summary>PVM has no posted interrupts (the cover letter lists "Post interrupt emulation" under future plans).</summary>
    public const bool PostedInterrupts = false;

    /// <summary>
    /// How long after the interrupt becomes pending the target starts injecting it:
    /// a native vCPU is kicked (a host IPI and a native exit), a blocked one is woken
    /// (<see cref="CostProfile.ThreadWakeup"/>, halt polling aside), one in the emulator waits for
    /// its next injection point (<paramref name="untilInjectionPoint"/>: the end of its batch, an
    /// IRETQ to ring 3 or HLT; with a per-instruction event check, the next instruction).
    /// </summary>
    public static SimSpan UntilInjection(PvmTargetState target, CostProfile p, SimSpan untilInjectionPoint)
    {
        ArgumentNullException.ThrowIfNull(p);
        return target switch
        {
            PvmTargetState.Native => p.Pvm.NativeKick,
            PvmTargetState.Blocked => p.ThreadWakeup,
            PvmTargetState.Polling => p.CacheLineTransfer, // the poll loop reads the request the sender set
            PvmTargetState.EmulatingRing0 => p.Pvm.EventCheckPerInstruction
                ? SimSpan.FromNanoseconds(Math.Min(untilInjectionPoint.Ns, p.Pvm.EmulatedAlu.Ns))
                : untilInjectionPoint,
            _ => throw new ArgumentOutOfRangeException(nameof(target), target, null),
        };
    }

    /// <summary>
    /// A host timer's expiry to the vCPU thread running: the host timer interrupt, plus the idle
    /// exit when the pCPU slept, plus the deeper sleep's exit after a long idle (docs/PVM.md 1.3:
    /// on this nested host the L1 CPU halts into L0). No VMX preemption timer: always an hrtimer.
    /// </summary>
    public static SimSpan TimerExpiry(CostProfile p, SimSpan idle)
    {
        ArgumentNullException.ThrowIfNull(p);
        SimSpan t = p.HostTimerInterrupt + p.IdleExitLatency;
        return idle > p.Pvm.IdleDeepAfter ? t + p.Pvm.DeepIdleExit : t;
    }

    /// <summary>
    /// A host timer's expiry to the vCPU thread running when the thread was polling in
    /// kvm_vcpu_block, not asleep: the pCPU never went idle, so only the timer interrupt
    /// (the hrtimer callback sets the request the poll loop sees).
    /// </summary>
    public static SimSpan TimerExpiryWhilePolling(CostProfile p)
    {
        ArgumentNullException.ThrowIfNull(p);
        return p.HostTimerInterrupt;
    }
}
