namespace KvmLab.Model.Storage;

/// <summary>
/// Where a request's time goes, in path order. Every nanosecond between issue and the moment
/// fio sees the completion is charged to exactly one phase, so the phases sum to the latency.
/// </summary>
public enum IoPhase
{
    /// <summary>fio in the guest (or on the host) up to the notify decision: syscall, block layer, driver.</summary>
    GuestSubmit,

    /// <summary>The virtqueue kick (MMIO exit to ioeventfd) and the QEMU thread noticing it (wake-up or poll).</summary>
    Notify,

    /// <summary>QEMU userspace: virtqueue pop, virtio-blk, block layer (coroutine or aio fastpath), driver submit.</summary>
    Qemu,

    /// <summary>The host kernel's submission: io_submit / io_uring, blk-mq, NVMe driver, doorbell.</summary>
    Host,

    /// <summary>Doorbell to completion-queue entry: the drive's service time and any queueing inside it.</summary>
    Device,

    /// <summary>CQE to the completion being processed: MSI-X, host IRQ, eventfd, QEMU wake-up or poll, used ring.</summary>
    Completion,

    /// <summary>irqfd to the interrupt reaching the vCPU (posted-interrupt post and notification).</summary>
    Injection,

    /// <summary>Getting the waiter running again: vCPU/host wake-up, C-state exit, guest IRQ, task wake-up, reap.</summary>
    Wakeup,
}
