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

    /// <summary>Whose virtualization the host has (VMX with APICv, SVM with AVIC, or PVM with none).</summary>
    public CpuVendor Vendor { get; init; } = CpuVendor.Intel;

    /// <summary>
    /// Where each field's value comes from, by field name (<see cref="CostFields"/>); a field not
    /// listed is an estimate (docs/MODEL.md gives its reasoning).
    /// </summary>
    public IReadOnlyDictionary<string, FieldSource> Sources { get; init; } = new Dictionary<string, FieldSource>();

    /// <summary>The provenance of <paramref name="field"/>: its listed source, else an estimate.</summary>
    public FieldSource SourceOf(string field) =>
        Sources.TryGetValue(field, out FieldSource? s) ? s : FieldSource.Estimate("see docs/MODEL.md");

    /// <summary>Where the profile as a whole comes from: built-in estimates, a fit (its catalogs and leave-one-out error), or a file.</summary>
    public string Origin { get; init; } = "built-in estimates (docs/MODEL.md)";

    /// <summary>
    /// One line of provenance (issue 13: <c>reproduce</c> prints it per profile): how many cost
    /// fields are measured, fitted and estimated, and where the profile comes from.
    /// </summary>
    public string ProvenanceLine()
    {
        int measured = 0, fitted = 0, estimated = 0;
        foreach (CostField f in CostFields.All)
        {
            switch (SourceOf(f.Name).Kind)
            {
                case SourceKind.Measured: measured++; break;
                case SourceKind.Fitted: fitted++; break;
                default: estimated++; break;
            }
        }

        return $"{Id}: {fitted} fitted, {measured} measured, {estimated} estimated of {CostFields.All.Count} cost fields; {Origin}";
    }

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

    /// <summary>kvm_emulate_hypercall: register reads, the dispatch on the hypercall number, the return value (KVM_HC_SEND_IPI adds per-target delivery).</summary>
    public required SimSpan HypercallHandler { get; init; }

    // --- The exits kvm-unit-tests' vmexit.flat times (issue 13) ---

    /// <summary>handle_cpuid -> kvm_emulate_cpuid: kvm_cpuid's lookup of the leaf in the vCPU's CPUID table, four register writes, skipping the instruction.</summary>
    public required SimSpan CpuidEmulation { get; init; }

    /// <summary>handle_rdmsr -> kvm_emulate_rdmsr -> kvm_get_msr_common for an MSR KVM keeps in the kernel (IA32_TSC_ADJUST), EDX:EAX written back.</summary>
    public required SimSpan RdmsrEmulation { get; init; }

    /// <summary>handle_io -> kvm_fast_pio: the exit qualification's port and size, kvm_io_bus_read/write's lookup on KVM_PIO_BUS and an in-kernel device's callback (the i8259 ELCR), skipping the instruction.</summary>
    public required SimSpan PioEmulation { get; init; }

    /// <summary>handle_cr for CR8 without a TPR shadow: kvm_get_cr8 / kvm_set_cr8 (kvm_lapic_set_tpr, the PPR update), skipping the instruction.</summary>
    public required SimSpan CrAccessHandler { get; init; }

    /// <summary>handle_interrupt_window: clear interrupt-window exiting in the VMCS, KVM_REQ_EVENT (the injection itself is EnterGuestLoop's).</summary>
    public required SimSpan InterruptWindowHandler { get; init; }

    /// <summary>An MMIO write no ioeventfd takes: handle_ept_misconfig -> kvm_mmu_page_fault -> x86_emulate_instruction (fetch, decode, emulate) up to KVM_EXIT_MMIO.</summary>
    public required SimSpan MmioInstructionEmulation { get; init; }

    /// <summary>
    /// A KVM_RUN return to QEMU and back for a PIO/MMIO exit: the user-return MSRs and FPU switch,
    /// the ioctl's return and re-entry, QEMU's kvm_cpu_exec with the BQL and address_space_rw's
    /// dispatch to the device (or to nothing), then vcpu_load and the guest FPU again.
    /// </summary>
    public required SimSpan UserspaceExitRoundtrip { get; init; }

    // --- Pause-loop exiting and directed yield (MECHANISMS.md section 5) ---

    /// <summary>handle_pause's own work: grow_ple_window, skipping the instruction, entering kvm_vcpu_on_spin.</summary>
    public required SimSpan PauseExitHandler { get; init; }

    /// <summary>One PAUSE instruction (cpu_relax) as a spin loop executes it.</summary>
    public required SimSpan PauseInstruction { get; init; }

    /// <summary>One candidate of kvm_vcpu_on_spin's loop: the ready/preempted/in-kernel/eligibility reads.</summary>
    public required SimSpan SpinCandidateCheck { get; init; }

    /// <summary>One yield_to: get_pid_task, double_rq_lock, the buddies, resched_curr (the IPI to the target's CPU is PhysicalIpiLatency).</summary>
    public required SimSpan YieldTo { get; init; }

    // --- LAPIC timer emulation (MECHANISMS.md section 3) ---

    /// <summary>A fastpath handler for TSC_DEADLINE writes or preemption-timer exits: MSR switch, kvm_can_use_hv_timer, skipping the instruction.</summary>
    public required SimSpan TimerFastpathHandler { get; init; }

    /// <summary>Arming or cancelling the VMX preemption timer (vmx_set_hv_timer: rdtsc, scaling, a VMCS write).</summary>
    public required SimSpan HvTimerProgram { get; init; }

    /// <summary>hrtimer_start or hrtimer_cancel of the host timer that emulates the guest's LAPIC timer (start_sw_timer).</summary>
    public required SimSpan HostHrtimerStart { get; init; }

    /// <summary>apic_timer_expired and kvm_apic_inject_pending_timer_irqs: the timer vector made pending in the vAPIC.</summary>
    public required SimSpan TimerExpiredInject { get; init; }

    /// <summary>handle_preemption_timer's own work on the full path, besides the expiry.</summary>
    public required SimSpan PreemptionTimerHandler { get; init; }

    /// <summary>The host's LAPIC timer interrupt on a pCPU: IRQ entry/exit, hrtimer_interrupt, the expired callback (apic_timer_fn).</summary>
    public required SimSpan HostTimerInterrupt { get; init; }

    // --- Exit-less designs (ByteDance 2020) ---

    /// <summary>A WRMSR to IA32_TSC_DEADLINE that is not intercepted (passthrough timer): the bare-metal instruction.</summary>
    public required SimSpan BareTscDeadlineWrite { get; init; }

    /// <summary>A WRMSR to the x2APIC ICR that is not intercepted (exit-less PV IPI): the bare-metal instruction.</summary>
    public required SimSpan BareIcrWrite { get; init; }

    /// <summary>Passthrough timer: per VM entry, reading the host's next expiry and loading it into the preemption timer.</summary>
    public required SimSpan PassthroughTimerSwitch { get; init; }

    // --- AMD AVIC (MECHANISMS.md section 2) ---

    /// <summary>An xAPIC ICR write virtualized by AVIC: the hardware looks up the targets and rings their doorbells.</summary>
    public required SimSpan AvicIcrWrite { get; init; }

    /// <summary>avic_incomplete_ipi_interception's fixed work before the scan over the VM's vCPUs.</summary>
    public required SimSpan AvicIncompleteIpiHandler { get; init; }

    /// <summary>One vCPU of the 5.x scan (kvm_for_each_vcpu + kvm_apic_match_dest).</summary>
    public required SimSpan AvicScanPerVcpu { get; init; }

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

    /// <summary>Linux hrtimer_start_range_ns or hrtimer_cancel in the guest (base lock, rbtree insert or erase).</summary>
    public required SimSpan GuestHrtimerStart { get; init; }

    /// <summary>The guest's LOCAL_TIMER_VECTOR handler around the callbacks: hrtimer_interrupt's bookkeeping.</summary>
    public required SimSpan GuestTimerInterrupt { get; init; }

    /// <summary>The guest scheduler tick (tick_sched_timer: update_process_times, scheduler_tick).</summary>
    public required SimSpan GuestTickWork { get; init; }

    /// <summary>try_to_wake_up of a guest task (enqueue, check_preempt), without the IPI.</summary>
    public required SimSpan GuestWakeup { get; init; }

    /// <summary>A guest context switch (schedule(): pick_next_task, switch_mm/switch_to).</summary>
    public required SimSpan GuestContextSwitch { get; init; }

    // --- Storage path (MECHANISMS.md section 7) ---

    /// <summary>The block I/O path's own code paths: host block layer, ioeventfd/irqfd, QEMU, guest drivers.</summary>
    public required StorageCosts Storage { get; init; }

    // --- Guest memory management and the network path (issue 14 items 1 and 6) ---

    /// <summary>The guest address space's paths: faults, the LRU lock, zaps, VMA work, TLB flushes (docs/MODEL.md, "Guest memory management").</summary>
    public required Guest.GuestMmCosts Mm { get; init; }

    /// <summary>vhost-net's per-packet work (docs/MODEL.md, "Guest network path").</summary>
    public required Network.VhostNetCosts Network { get; init; }

    // --- PVM flavour (docs/PVM.md) ---

    /// <summary>The PVM flavour's costs; <see cref="PvmCosts.None"/> (all zero) on VMX and SVM hosts.</summary>
    public PvmCosts Pvm { get; init; } = PvmCosts.None;

    /// <summary>The longest single charge a profile may hold: every cost the model charges is below a second.</summary>
    public static readonly SimSpan MaxCharge = SimSpan.FromSeconds(1);

    /// <summary>
    /// Every field that is not a valid cost, as "field: why" (issue 11: every charge comes from a
    /// profile whose every duration is between 0 and <see cref="MaxCharge"/> and whose TSC rate
    /// is a real CPU's). Empty when the profile is valid.
    /// </summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (!double.IsFinite(TscGhz) || TscGhz < 0.1 || TscGhz > 10)
        {
            problems.Add($"TscGhz: {TscGhz} is not between 0.1 and 10 GHz");
        }

        foreach (CostField f in CostFields.All)
        {
            SimSpan v = f.Get(this);
            if (v.Ns < 0 || v > MaxCharge)
            {
                problems.Add($"{f.Name}: {v.Ns} ns is not between 0 and {MaxCharge.Ns} ns");
            }
        }

        return problems;
    }

    /// <summary>Every SimSpan field of the profile, in declaration order (profile files, calibration and the fit read them by name).</summary>
    public static IEnumerable<System.Reflection.PropertyInfo> SpanFields() =>
        typeof(CostProfile).GetProperties().Where(p => p.PropertyType == typeof(SimSpan)).OrderBy(p => p.MetadataToken);
}
