using KvmLab.Engine.Time;

namespace KvmLab.Model.Hardware;

/// <summary>
/// Every duration the model charges on one platform. Each field's value and source is listed
/// in docs/MODEL.md; the factory that builds a profile (for example
/// <see cref="Profiles.SkylakeSp2020"/>) cites the source beside each value. Published
/// results of experiments never flow in here.
/// </summary>
public sealed record CostProfile
{
    public required string Id { get; init; }

    public required string Summary { get; init; }

    public required string Citation { get; init; }

    /// <summary>TSC frequency, to report and convert cycles.</summary>
    public required double TscGhz { get; init; }

    // --- VM exit and entry (MECHANISMS.md section 1) ---

    /// <summary>Hardware VM exit plus vmx_vcpu_run's work up to the fastpath check (IRQs off).</summary>
    public required SimSpan VmExit { get; init; }

    /// <summary>vmx_vcpu_run's pre-entry work plus VMRESUME until the guest runs again.</summary>
    public required SimSpan VmEntry { get; init; }

    /// <summary>After a non-reentering exit: mode change, handle_exit_irqoff, local_irq_enable, preempt_enable, srcu_read_lock.</summary>
    public required SimSpan ExitHostIrqEnable { get; init; }

    /// <summary>vmx_handle_exit checks and the indirect call into the per-reason handler.</summary>
    public required SimSpan ExitHandlerDispatch { get; init; }

    /// <summary>srcu_read_unlock, vcpu_run's loop checks and vcpu_enter_guest up to entry (requests, event injection, IRQs off).</summary>
    public required SimSpan EnterGuestLoop { get; init; }

    /// <summary>kvm_emulate_wrmsr through kvm_set_msr and the x2APIC register write, before the ICR side effect.</summary>
    public required SimSpan WrmsrEmulation { get; init; }

    /// <summary>The ICR fastpath's own work: the MSR number and condition checks, reading EDX:EAX, skipping the instruction.</summary>
    public required SimSpan IcrFastpathHandler { get; init; }

    /// <summary>kvm_apic_send_ipi: building the IRQ, the apic_map lookup and __apic_accept_irq for one target.</summary>
    public required SimSpan IpiDeliveryPerTarget { get; init; }

    /// <summary>Setting PIR and ON in the posted-interrupt descriptor and sending the notification (locked ops plus the ICR write on the host).</summary>
    public required SimSpan PostedInterruptPost { get; init; }

    /// <summary>xAPIC mode: an MMIO write to the APIC page traps (APIC-write) and is decoded and emulated before the ICR side effect.</summary>
    public required SimSpan XapicMmioEmulation { get; init; }

    /// <summary>kvm_emulate_halt and vcpu_block's checks before kvm_vcpu_block.</summary>
    public required SimSpan HltHandler { get; init; }

    // --- Halting and polling (MECHANISMS.md section 4) ---

    /// <summary>One pass of kvm_vcpu_block's poll loop (kvm_vcpu_check_block with SRCU, PIR sync, ktime_get).</summary>
    public required SimSpan HaltPollIteration { get; init; }

    /// <summary>Leaving kvm_vcpu_block after a wake: grow/shrink bookkeeping, kvm_arch_vcpu_unblocking, back to vcpu_run.</summary>
    public required SimSpan HaltBlockExit { get; init; }

    /// <summary>try_to_wake_up of a sleeping vCPU thread up to it running on an already-awake pCPU (IPI to the pCPU, enqueue, schedule).</summary>
    public required SimSpan ThreadWakeup { get; init; }

    /// <summary>Exit latency of the idle state a pCPU sleeps in while its vCPU thread is blocked.</summary>
    public required SimSpan IdleExitLatency { get; init; }

    /// <summary>A host context switch between two threads on one pCPU.</summary>
    public required SimSpan ContextSwitch { get; init; }

    // --- Physical interconnect ---

    /// <summary>A physical IPI from one core to another until the target core takes the interrupt.</summary>
    public required SimSpan PhysicalIpiLatency { get; init; }

    /// <summary>A modified cache line moving from one core to another (a flag set on one vCPU seen by a spinner on another).</summary>
    public required SimSpan CacheLineTransfer { get; init; }

    // --- Guest kernel (instruction paths inside the guest) ---

    /// <summary>Interrupt delivery through the guest IDT to the handler's first instruction, plus IRET at the end.</summary>
    public required SimSpan GuestInterruptEntryExit { get; init; }

    /// <summary>Linux call-function send side for one target: csd lock, fill, llist_add, the cpumask walk.</summary>
    public required SimSpan GuestCsdQueue { get; init; }

    /// <summary>Linux call-function receive side: the sysvec wrapper, llist_del_all and per-csd bookkeeping.</summary>
    public required SimSpan GuestCsdFlush { get; init; }

    /// <summary>One pass of the Linux idle loop around HLT (do_idle, nohz and RCU idle hooks), excluding timer reprogramming.</summary>
    public required SimSpan GuestIdleLoop { get; init; }
}
