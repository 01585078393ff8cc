using KvmLab.Engine.Time;

namespace KvmLab.Model.Hardware;

/// <summary>
/// Intel Xeon Scalable hosts of the Skylake-SP core (Skylake-SP and its Cascade Lake refresh,
/// which keeps the core and the VMX implementation). Every path is charged in cycles, the same
/// on all three parts, and converted at each part's nominal TSC frequency: a Cascade Lake part
/// differs here only by its clock. Sources are cited beside each value and in docs/MODEL.md.
/// </summary>
public static class IntelSkylakeFamily
{
    /// <summary>
    /// Wanpeng Li's Skylake host, Linux 5.6-5.8 KVM with APICv. 2.5 GHz: commit 4180bf1b655a
    /// ("Xeon Skylake 2.5GHz, 2 sockets, 40 cores"); the 2020 fastpath mails only say "SKX
    /// server" (assumed the same box).
    /// </summary>
    public static CostProfile SkylakeSp2020() => Build(
        "skylake-sp-2020",
        "Xeon Scalable (Skylake-SP) 2.5 GHz, Linux 5.6-5.8 KVM, APICv, x2APIC guests",
        2.5,
        "clock: commit 4180bf1b655a");

    /// <summary>
    /// ByteDance's passthrough-timer host: Xeon Platinum 8260 (Cascade Lake, 24 cores, 2.4 GHz
    /// base per Intel ARK).
    /// </summary>
    public static CostProfile XeonPlatinum8260() => Build(
        "xeon-8260",
        "Xeon Platinum 8260 (Cascade Lake) 2.4 GHz, Linux 5.x KVM, APICv",
        2.4,
        "clock: Intel ARK Xeon Platinum 8260 base 2.40 GHz");

    /// <summary>
    /// ByteDance's exit-less PV IPI host: Xeon Gold 5218 (Cascade Lake, 16 cores, 2.3 GHz base
    /// per Intel ARK).
    /// </summary>
    public static CostProfile XeonGold5218() => Build(
        "xeon-5218",
        "Xeon Gold 5218 (Cascade Lake) 2.3 GHz, Linux 5.x KVM, APICv",
        2.3,
        "clock: Intel ARK Xeon Gold 5218 base 2.30 GHz");

    private static CostProfile Build(string id, string summary, double ghz, string clockSource)
    {
        SimSpan C(double cycles) => SimSpan.FromNanoseconds(cycles / ghz);

        // Anchors from measurements that are not the experiments' own results:
        //  (a) kvm-unit-tests vmcall round trip on SKX = 1559 cycles
        //      (<1584007547-4802-1-git-send-email-wanpengli@tencent.com>, 2020-03-12).
        //  (b) tscdeadline_immed 3028.5 -> 2494.75 cycles when the TSC-deadline write re-enters
        //      the guest from the fastpath (commit 26efe2fd92e5): ~534 cycles is what the full
        //      path (IRQ enable, dispatch, generic WRMSR emulation, run loop) costs beyond a
        //      fastpath handler for an MSR write.
        // The split of (b) into its four parts is an ESTIMATE from the code path:
        var irqEnable = C(150);   // mode change, handle_exit_irqoff, local_irq_enable, preempt_enable, srcu_read_lock
        var dispatch = C(80);     // vmx_handle_exit checks + one retpolined indirect call
        var wrmsrEmul = C(150);   // kvm_emulate_wrmsr -> kvm_set_msr (retpoline) -> kvm_set_msr_common -> x2APIC write
        var enterLoop = C(200);   // srcu_read_unlock, vcpu_run loop checks, vcpu_enter_guest requests/injection
        var fastHandler = C(50);  // fastpath MSR switch, condition checks, skip instruction
        var hypercall = C(30);    // kvm_emulate_hypercall: register reads, switch on the number (ESTIMATE)
        // (a) = exit + entry + irqEnable + dispatch + hypercall + enterLoop,
        // so exit + entry = 1559 - 150 - 80 - 30 - 200 = 1099 cycles; split evenly (ESTIMATE).
        var exit = C(550);
        var entry = C(549);

        return new CostProfile
        {
            Id = id,
            Summary = summary,
            Citation = "vmcall 1559 cycles <1584007547-4802-1-git-send-email-wanpengli@tencent.com>; "
                + "tscdeadline_immed 3028.5->2494.75 cycles commit 26efe2fd92e5; intel_idle skx_cstates (v5.10); "
                + clockSource + "; path splits are estimates, see docs/MODEL.md",
            TscGhz = ghz,
            VmExit = exit,
            VmEntry = entry,
            ExitHostIrqEnable = irqEnable,
            ExitHandlerDispatch = dispatch,
            EnterGuestLoop = enterLoop,
            WrmsrEmulation = wrmsrEmul,
            IcrFastpathHandler = fastHandler,
            IpiDeliveryPerTarget = C(100),   // ESTIMATE: kvm_apic_send_ipi, apic_map lookup under RCU, __apic_accept_irq
            PostedInterruptPost = C(60),     // ESTIMATE: two locked bit ops on the PI descriptor + kick decision
            XapicMmioEmulation = C(100),     // ESTIMATE: APIC-write trap (APICv), kvm_apic_write_nodecode, no decode
            HltHandler = C(100),             // ESTIMATE: kvm_emulate_halt, kvm_vcpu_halt, vcpu_block checks
            HypercallHandler = hypercall,
            CpuidEmulation = C(100),         // ESTIMATE: kvm_emulate_cpuid: kvm_find_cpuid_entry's walk of ~40 entries, 4 register writes, skip
            RdmsrEmulation = wrmsrEmul,      // ESTIMATE: kvm_emulate_rdmsr is kvm_emulate_wrmsr's mirror (kvm_get_msr with its retpolined call)
            PioEmulation = C(300),           // ESTIMATE: handle_io -> kvm_fast_pio: emulator_pio_in_out, kvm_io_bus bsearch under SRCU, the device callback
            CrAccessHandler = C(100),        // ESTIMATE: handle_cr decode + kvm_set_cr8 -> kvm_lapic_set_tpr -> apic_update_ppr
            InterruptWindowHandler = C(50),  // ESTIMATE: handle_interrupt_window: one VMCS write and kvm_make_request
            MmioInstructionEmulation = C(1500), // ESTIMATE: kvm_mmu_page_fault -> x86_emulate_instruction: guest page walk to fetch, decode, emulate the MOV
            UserspaceExitRoundtrip = C(4000),   // ESTIMATE: ioctl return + re-entry ~750 with KPTI, user-return MSRs ~400, FPU swap ~600, vcpu_load ~500, QEMU BQL + dispatch ~1500
            PauseInstruction = C(140),       // Intel Optimization Reference Manual 2.5.4: PAUSE latency "as many as 140 cycles" on Skylake
            PauseExitHandler = C(100),       // ESTIMATE: handle_pause: grow_ple_window (a VMCS write), skip, call
            SpinCandidateCheck = C(30),      // ESTIMATE: kvm_for_each_vcpu step + four READ_ONCE checks
            YieldTo = C(1500),               // ESTIMATE: yield_to: pid lookup, double_rq_lock on two CPUs' locks, buddies, resched_curr
            TimerFastpathHandler = fastHandler, // same work as the ICR fastpath's: MSR switch, checks, skip
            HvTimerProgram = C(100),         // ESTIMATE: vmx_set_hv_timer: rdtsc, cycle scaling, one VMCS write
            HostHrtimerStart = C(250),       // ESTIMATE: hrtimer_start: base lock, rbtree insert, maybe a clockevent write
            TimerExpiredInject = C(150),     // ESTIMATE: apic_timer_expired -> kvm_apic_local_deliver -> __apic_accept_irq
            PreemptionTimerHandler = C(50),  // ESTIMATE: handle_preemption_timer's checks around kvm_lapic_expired_hv_timer
            HostTimerInterrupt = C(1000),    // ESTIMATE: IRQ entry/exit, hrtimer_interrupt, apic_timer_fn, clockevent reprogram
            BareTscDeadlineWrite = C(100),   // ESTIMATE: a serializing WRMSR on bare metal
            BareIcrWrite = C(100),           // ESTIMATE: a serializing x2APIC WRMSR on bare metal
            PassthroughTimerSwitch = C(50),  // ESTIMATE: read the host's next expiry, scale, one VMCS write
            AvicIcrWrite = C(100),           // not an AVIC part: never charged on this platform
            AvicIncompleteIpiHandler = C(100),
            AvicScanPerVcpu = C(20),
            HaltPollIteration = C(150),      // ESTIMATE: kvm_vcpu_check_block (SRCU, PIR sync) + ktime_get
            HaltBlockExit = C(150),          // ESTIMATE: block_ns, grow/shrink, unblocking, UNHALT handling
            ThreadWakeup = SimSpan.FromNanoseconds(1000), // ESTIMATE: ttwu enqueue + schedule() on the woken pCPU
            IdleExitLatency = SimSpan.FromMicroseconds(2), // intel_idle skx_cstates C1 exit_latency = 2 us (v5.10; also used for CLX)
            ContextSwitch = SimSpan.FromNanoseconds(1000), // ESTIMATE: ~1 us per Linux thread switch
            PhysicalIpiLatency = SimSpan.FromNanoseconds(400), // ESTIMATE: ICR write to interrupt taken on another core
            CacheLineTransfer = SimSpan.FromNanoseconds(70),   // ESTIMATE: Broadwell-EP L2->L2 modified 40-42 ns (McCalpin) scaled for the SKX mesh
            GuestInterruptEntryExit = C(250),  // ESTIMATE: IDT delivery (virtual-interrupt delivery) + IRETQ
            GuestCsdQueue = C(150),            // ESTIMATE: csd lock/fill, llist_add, send_call_function_single_ipi
            GuestCsdFlush = C(300),            // ESTIMATE: sysvec entry/exit, ack_APIC_irq, flush queue, csd_unlock
            GuestIdleLoop = SimSpan.FromNanoseconds(500), // ESTIMATE: do_idle pass (nohz/RCU hooks) around HLT
            GuestHrtimerStart = C(250),        // ESTIMATE: hrtimer_start_range_ns: base lock, rbtree insert
            GuestTimerInterrupt = C(500),      // ESTIMATE: sysvec_apic_timer_interrupt + hrtimer_interrupt bookkeeping
            GuestTickWork = C(1500),           // ESTIMATE: tick_sched_timer: update_process_times, scheduler_tick, RCU
            GuestWakeup = C(750),              // ESTIMATE: try_to_wake_up: pi_lock, select_task_rq, enqueue, check_preempt
            GuestContextSwitch = C(1500),      // ESTIMATE: schedule(): pick_next_task_fair, context_switch
            Sources = new Dictionary<string, FieldSource>
            {
                // The transition pair closes anchor (a) given the estimated software parts; the even split is an estimate.
                ["VmExit"] = FieldSource.Fitted("kut-vmcall-li-2020-03 by hand (1559 cycles less the estimated software path), split evenly with VmEntry"),
                ["VmEntry"] = FieldSource.Fitted("kut-vmcall-li-2020-03 by hand (1559 cycles less the estimated software path), split evenly with VmExit"),
                ["PauseInstruction"] = FieldSource.Measured("Intel 64 and IA-32 Optimization Reference Manual 2.5.4: PAUSE up to 140 cycles on Skylake"),
                ["IdleExitLatency"] = FieldSource.Measured("drivers/idle/intel_idle.c skx_cstates: C1 exit_latency 2 us"),
            },
            Storage = StorageEstimates(),
            Mm = MmEstimates(),
            Network = NetworkEstimates(),
        };
    }

    /// <summary>The guest address space's paths (Linux 5.10 mm/), every one an ESTIMATE: docs/MODEL.md, "Guest memory management".</summary>
    internal static Guest.GuestMmCosts MmEstimates() => new()
    {
        PageFault = SimSpan.FromMicroseconds(1),          // ESTIMATE: exception entry, page allocation, clearing 4 KiB, PTE set (ebizzy's earlier 128 us for 128 faults)
        LruAddPerPage = SimSpan.FromNanoseconds(15),      // ESTIMATE: __pagevec_lru_add per page: a list insertion and the page flags, on lines the fault just touched
        ZapPerPage = SimSpan.FromNanoseconds(40),         // ESTIMATE: zap_pte_range per PTE (clear, rmap, counters): 5 us for 128 pages
        ReleasePerPage = SimSpan.FromNanoseconds(15),     // ESTIMATE: release_pages per page under the LRU lock: 2 us for 128 pages
        VmaWork = SimSpan.FromMicroseconds(2),            // ESTIMATE: vma allocation or split, rb-tree and interval-tree updates
        FlushCost = SimSpan.FromMicroseconds(1),          // ESTIMATE: flush_tlb_func's full flush above tlb_single_page_flush_ceiling (33 pages) and the csd handling
    };

    /// <summary>vhost-net's per-packet work (drivers/vhost/net.c, v5.10), ESTIMATEs: docs/MODEL.md, "Guest network path".</summary>
    internal static Network.VhostNetCosts NetworkEstimates() => new()
    {
        TxPerPacket = SimSpan.FromMicroseconds(1.5),      // ESTIMATE: ~1 Mpps per vhost worker for small packets; a response through tun_sendmsg and the bridge
        RxPerPacket = SimSpan.FromMicroseconds(1.5),      // ESTIMATE: tun_recvmsg, the copy into mergeable buffers, vhost_add_used
    };

    /// <summary>
    /// The storage path's code paths (QEMU 5.2, Linux 5.8-5.10), in nanoseconds on every part of
    /// the family: ESTIMATEs written down before the NVMe ladder was first run (commits bd5df42,
    /// b21dc99) and never changed to match it; docs/MODEL.md ("Storage") gives each one's reasoning.
    /// </summary>
    internal static StorageCosts StorageEstimates()
    {
        static SimSpan Ns(double ns) => SimSpan.FromNanoseconds(ns);
        return new StorageCosts
        {
            // Skylake-SP is Meltdown-affected, so KPTI switches CR3 on every entry and exit: ESTIMATE 150 ns.
            SyscallEntryExit = Ns(150),
            HostAioSubmit = Ns(900),      // ESTIMATE: aio_get_req, blkdev_direct_IO + get_user_pages_fast, bio, blk_mq_get_tag, nvme_queue_rq (PRP, SQE), doorbell
            HostIoUringSubmit = Ns(750),  // ESTIMATE: as above without the iocb copy and aio_get_req
            HostNvmeIrq = Ns(800),        // ESTIMATE: irq entry/exit + EOI ~300, nvme_irq/nvme_process_cq, blk_mq_complete_request (same CPU), bio_endio, aio_complete ~500
            EventfdSignal = Ns(100),      // ESTIMATE: spin lock, counter add, wake_up_locked_poll walk
            HostPolledComplete = Ns(500), // ESTIMATE: HostNvmeIrq without its ~300 ns interrupt entry/exit and EOI
            HostPollIteration = Ns(100),  // ESTIMATE: blk_poll -> nvme_poll: one CQE phase check and loop overhead
            AioReap = Ns(250),            // ESTIMATE: io_getevents after entry: aio_read_events ring copy
            FioPerIo = Ns(500),           // ESTIMATE: fio get_io_u, tausworthe offset, io_u accounting, two vDSO clock reads

            IoeventfdMmioHandler = Ns(250), // ESTIMATE: handle_ept_misconfig -> kvm_io_bus_write(KVM_FAST_MMIO_BUS) -> ioeventfd_write -> eventfd_signal, skip instruction
            IrqfdInject = Ns(200),          // ESTIMATE: irqfd_wakeup -> kvm_arch_set_irq_inatomic -> kvm_set_msi -> vmx_deliver_posted_interrupt
            VfioMsiHandler = Ns(400),       // ESTIMATE: host irq entry/exit ~300 + vfio_msihandler eventfd_signal ~100
            PiWakeupHandler = Ns(400),      // ESTIMATE: the same IRQ entry/exit and a short handler (pi_wakeup_handler's list walk, kvm_vcpu_kick)

            QemuPollIteration = Ns(100),    // ESTIMATE: run_poll_handlers_once: virtqueue avail idx read, linux-aio ring or NVMe CQ phase check
            QemuFdDispatch = Ns(400),       // ESTIMATE: epoll/ppoll return, event_notifier_test_and_clear (read syscall), aio_dispatch_ready_handlers
            QemuMainLoopIteration = Ns(1000), // ESTIMATE: glib_pollfds_fill/poll, g_main_context_prepare/query/check/dispatch over all sources, BQL unlock/lock
            VirtioBlkPop = Ns(600),         // ESTIMATE: virtqueue_pop: avail idx, 3 descriptors via the region cache, address_space_map, header parse
            VirtioBlkPush = Ns(300),        // ESTIMATE: virtqueue_push (used elem + idx with barriers), virtio_should_notify (EVENT_IDX)
            BlockCoroutineSubmit = Ns(700), // ESTIMATE: qemu_coroutine_create (pool) + switch, blk_co_preadv: drain check, throttle, in_flight, tracked_request_begin, driver call
            BlockCoroutineComplete = Ns(500), // ESTIMATE: aio_co_wake + switch, tracked_request_end, in_flight, blk_aio_complete
            AioFastpathCall = Ns(150),      // ESTIMATE: one indirect call into the driver's aio interface and its callback, no coroutine
            LinuxAioUser = Ns(150),         // ESTIMATE: laio ioq bookkeeping before io_submit; on completion the userspace ring read (qemu_laio_poll_cb)
            QemuNvmeSubmit = Ns(400),       // ESTIMATE: nvme_get_free_req, PRP list from the IOVA mapping cache, SQE copy, SQ tail doorbell (posted MMIO)
            QemuNvmeComplete = Ns(300),     // ESTIMATE: nvme_process_completion: CQE read, phase flip, cid lookup, CQ head doorbell, callback

            GuestVirtioSubmit = Ns(800),    // ESTIMATE: the same blk-mq path as the host's, ending in virtio_queue_rq/virtqueue_add_sgs (3 descriptors)
            GuestKickPrepare = Ns(50),      // ESTIMATE: virtqueue_kick_prepare: mb(), read used flags / avail event
            GuestIrqHandler = Ns(700),      // ESTIMATE: vring_interrupt -> virtblk_done -> virtqueue_get_buf -> blk_mq_complete_request -> bio_endio -> aio_complete
            GuestPollIteration = Ns(100),   // ESTIMATE: blk_poll -> driver poll: one used-ring (or CQE) check
            RemoteNumaHop = Ns(100),        // ESTIMATE: Skylake-SP remote vs local access ~ +60-100 ns over UPI (MLC-class figures), per crossing
        };
    }
}
