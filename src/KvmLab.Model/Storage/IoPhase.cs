namespace KvmLab.Model.Storage;

/// <summary>
/// Where a request's time goes, in path order. Every nanosecond between issue and the moment
/// fio sees the completion is charged to exactly one phase, so the phases sum to the latency.
/// Each phase ends where the request reaches a point on the real path (a mark in the code that
/// runs there).
/// </summary>
public enum IoPhase
{
    /// <summary>fio in the guest (or on the host) up to the notify decision: fio, the syscall, block layer, driver (bare metal: up to the host block layer).</summary>
    GuestSubmit,

    /// <summary>The virtqueue kick (EPT_MISCONFIG exit to the ioeventfd) or the avail ring seen by polling, up to QEMU starting on the request.</summary>
    Notify,

    /// <summary>QEMU userspace: virtqueue pop, virtio-blk, block layer (coroutine or aio fastpath), driver submit.</summary>
    Qemu,

    /// <summary>The host kernel's submission: io_submit / io_uring, blk-mq, NVMe driver, doorbell.</summary>
    Host,

    /// <summary>Doorbell to completion-queue entry: the drive's service time and any queueing inside it.</summary>
    Device,

    /// <summary>CQE to the completion processed by whoever completes it: MSI-X, host IRQ (with its idle exit), eventfd, QEMU's wake-up or poll, used ring; or a poller seeing the CQE.</summary>
    Completion,

    /// <summary>irqfd write (or, with VFIO, the IOMMU's posting) to the guest's interrupt handler starting: posted-interrupt notification, or the halted vCPU's wake-up and entry.</summary>
    Injection,

    /// <summary>Getting fio running again: the guest (or host) interrupt handler, try_to_wake_up, context switch, io_getevents' return.</summary>
    Wakeup,
}
