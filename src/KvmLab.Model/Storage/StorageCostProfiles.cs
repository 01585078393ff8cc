using KvmLab.Engine.Time;
using KvmLab.Model.Hardware;

namespace KvmLab.Model.Storage;

/// <summary>
/// Storage-path costs per platform. Values that the platform profile already has (exits, wake-ups,
/// interrupt delivery) are read from it; the rest are ESTIMATEs of the named code path (QEMU 5.2,
/// Linux 5.8-5.10), written down before the ladder was first run and never changed to match it.
/// docs/MODEL.md, "Storage", lists each with its reasoning.
/// </summary>
public static class StorageCostProfiles
{
    public static StorageCostProfile For(CostProfile cpu)
    {
        ArgumentNullException.ThrowIfNull(cpu);
        static SimSpan Ns(double ns) => SimSpan.FromNanoseconds(ns);
        return new StorageCostProfile
        {
            Id = cpu.Id + "/storage",

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
            // drivers/idle/intel_idle.c skx_cstates (v5.10): C1 2/2 us, C1E 10/20 us, C6 133/600 us (exit/target residency);
            // POLL is the cpuidle poll state (no exit latency).
            IdleStates =
            [
                new IdleState("POLL", SimSpan.Zero, SimSpan.Zero),
                new IdleState("C1", SimSpan.FromMicroseconds(2), SimSpan.FromMicroseconds(2)),
                new IdleState("C1E", SimSpan.FromMicroseconds(10), SimSpan.FromMicroseconds(20)),
                new IdleState("C6", SimSpan.FromMicroseconds(133), SimSpan.FromMicroseconds(600)),
            ],

            IoeventfdMmioHandler = Ns(250), // ESTIMATE: handle_ept_misconfig -> kvm_io_bus_write(KVM_FAST_MMIO_BUS) -> ioeventfd_write -> eventfd_signal, skip instruction
            IrqfdInject = Ns(200),          // ESTIMATE: irqfd_wakeup -> kvm_arch_set_irq_inatomic -> kvm_set_msi -> vmx_deliver_posted_interrupt
            VfioMsiHandler = Ns(400),       // ESTIMATE: host irq entry/exit ~300 + vfio_msihandler eventfd_signal ~100
            MsiDelivery = cpu.PhysicalIpiLatency, // an interrupt message reaching a core: the platform's IPI latency

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
