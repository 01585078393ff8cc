using KvmLab.Engine.Time;

namespace KvmLab.Model.Hardware;

/// <summary>
/// The storage path's part of a platform's <see cref="CostProfile"/>: the host kernel's block
/// layer and NVMe driver, KVM's ioeventfd, irqfd and VT-d wake-up paths, QEMU's event loop,
/// virtio-blk and block drivers, and the guest's block layer. Exits, entries, halt polling, thread
/// wake-ups, interrupt delivery and the guest's interrupt entry come from the rest of the profile,
/// charged by the rooms that own them. Every value is a duration of a named code path; the values
/// and their reasoning are in docs/MODEL.md ("Storage") and beside each value where the profile is
/// built (<see cref="IntelSkylakeFamily"/>). None was chosen from the ladder's published IOPS.
/// </summary>
public sealed record StorageCosts
{
    // Host kernel -------------------------------------------------------------------------

    /// <summary>SYSCALL/SYSRET and the entry code, both ways (a blocking syscall pays half on each side of its sleep).</summary>
    public required SimSpan SyscallEntryExit { get; init; }

    /// <summary>io_submit after entry: aio_get_req, blkdev direct I/O, bio, blk-mq tag, nvme_queue_rq, SQ doorbell.</summary>
    public required SimSpan HostAioSubmit { get; init; }

    /// <summary>The same through io_uring (SQE read instead of iocb copy and aio_get_req).</summary>
    public required SimSpan HostIoUringSubmit { get; init; }

    /// <summary>MSI-X entry/exit, nvme_irq, CQ processing, blk_mq_complete_request, bio_endio, aio_complete.</summary>
    public required SimSpan HostNvmeIrq { get; init; }

    /// <summary>eventfd_signal with its waitqueue walk (no wakee charged here).</summary>
    public required SimSpan EventfdSignal { get; init; }

    /// <summary>nvme_poll finding a CQE: CQ processing and request completion without the IRQ entry/exit.</summary>
    public required SimSpan HostPolledComplete { get; init; }

    /// <summary>One blk_poll / nvme_poll pass over a completion queue (io_poll, classic polling).</summary>
    public required SimSpan HostPollIteration { get; init; }

    /// <summary>io_getevents: collect completed events (after entry).</summary>
    public required SimSpan AioReap { get; init; }

    /// <summary>fio's own per-I/O work in userspace: get_io_u, random offset, accounting, clock reads.</summary>
    public required SimSpan FioPerIo { get; init; }

    // KVM ---------------------------------------------------------------------------------

    /// <summary>EPT misconfig exit on the doorbell: fast MMIO bus lookup, ioeventfd_write (no instruction decode).</summary>
    public required SimSpan IoeventfdMmioHandler { get; init; }

    /// <summary>irqfd_wakeup → kvm_arch_set_irq_inatomic → kvm_set_msi → posted-interrupt post.</summary>
    public required SimSpan IrqfdInject { get; init; }

    /// <summary>VFIO: vfio_msihandler in host IRQ context (entry/exit + eventfd_signal).</summary>
    public required SimSpan VfioMsiHandler { get; init; }

    /// <summary>VT-d posted interrupt for a blocked vCPU: the wake-up vector's host handler (pi_wakeup_handler) up to the kick.</summary>
    public required SimSpan PiWakeupHandler { get; init; }

    // QEMU --------------------------------------------------------------------------------

    /// <summary>One run_poll_handlers pass over the AioContext's poll handlers.</summary>
    public required SimSpan QemuPollIteration { get; init; }

    /// <summary>Returning from ppoll/epoll with a ready fd: event_notifier_test_and_clear (read), dispatch.</summary>
    public required SimSpan QemuFdDispatch { get; init; }

    /// <summary>The main loop's extra per-wake-up work: glib prepare/query/check/dispatch, BQL.</summary>
    public required SimSpan QemuMainLoopIteration { get; init; }

    /// <summary>virtio_blk_handle_vq: virtqueue_pop (descriptor walk, map), request header parse.</summary>
    public required SimSpan VirtioBlkPop { get; init; }

    /// <summary>virtio_blk_req_complete: virtqueue_push, used-ring update, virtio_should_notify.</summary>
    public required SimSpan VirtioBlkPush { get; init; }

    /// <summary>Block layer request processing in a coroutine (submit): create/enter, blk_co_preadv, tracking.</summary>
    public required SimSpan BlockCoroutineSubmit { get; init; }

    /// <summary>Coroutine re-entry and request completion bookkeeping.</summary>
    public required SimSpan BlockCoroutineComplete { get; init; }

    /// <summary>The aio fastpath's direct call into the driver (each way).</summary>
    public required SimSpan AioFastpathCall { get; init; }

    /// <summary>block/linux-aio.c bookkeeping around io_submit (ioq) and on completion (ring read).</summary>
    public required SimSpan LinuxAioUser { get; init; }

    /// <summary>block/nvme.c submit: free request slot, PRPs from the IOVA cache, SQE write, doorbell.</summary>
    public required SimSpan QemuNvmeSubmit { get; init; }

    /// <summary>block/nvme.c completion: CQE read, phase, CQ head doorbell, callback.</summary>
    public required SimSpan QemuNvmeComplete { get; init; }

    // Guest -------------------------------------------------------------------------------

    /// <summary>Guest io_submit after entry: blk-mq and virtio_queue_rq / virtqueue_add_sgs.</summary>
    public required SimSpan GuestVirtioSubmit { get; init; }

    /// <summary>virtqueue_kick_prepare: barrier, read the device's notification suppression.</summary>
    public required SimSpan GuestKickPrepare { get; init; }

    /// <summary>vring_interrupt → virtblk_done → blk_mq_complete_request → aio_complete → wake (or NVMe's nvme_irq), per request.</summary>
    public required SimSpan GuestIrqHandler { get; init; }

    /// <summary>One blk_poll pass in the guest (virtio-blk iopoll prototype or nvme poll queue).</summary>
    public required SimSpan GuestPollIteration { get; init; }

    // Platform ----------------------------------------------------------------------------

    /// <summary>Extra cost of a cross-socket transaction on the critical path (doorbell, ring or DMA).</summary>
    public required SimSpan RemoteNumaHop { get; init; }

    /// <summary>A crossing between two NUMA nodes costs <see cref="RemoteNumaHop"/>; within a node nothing.</summary>
    public SimSpan Hop(int nodeA, int nodeB) => nodeA == nodeB ? SimSpan.Zero : RemoteNumaHop;
}
