namespace KvmLab.Model.Storage;

/// <summary>
/// One configuration of the storage stack (one bar of the ladder). Defaults are QEMU 5.2 / Linux
/// 5.10 defaults with a pinned, NUMA-local setup (Hajnoczi 2020: vCPU, IOThread, memory and drive
/// on node 0).
/// </summary>
public sealed record StorageConfig
{
    public StoragePath Path { get; init; } = StoragePath.VirtioBlk;

    /// <summary>virtio-blk handled in a dedicated IOThread (adaptive polling) instead of the main loop.</summary>
    public bool IoThread { get; init; }

    /// <summary>The IOThread's poll-max-ns (iothread.c default 32768).</summary>
    public long PollMaxNs { get; init; } = Qemu.AioPollAdaptation.IoThreadDefaultMaxNs;

    public long PollGrow { get; init; }

    public long PollShrink { get; init; }

    public QemuBackend Backend { get; init; } = QemuBackend.AioNative;

    /// <summary>null-co's latency-ns option (block/null.c NULL_OPT_LATENCY, default 0): each request sleeps this long in its coroutine.</summary>
    public long NullLatencyNs { get; init; }

    /// <summary>
    /// The AioContext keeps ctx->notify_me raised while it polls, as before Stefan Hajnoczi's
    /// "aio-posix: keep aio_notify_me disabled during polling" (Message-Id
    /// &lt;20200806131802.569478-4-stefanha@redhat.com&gt;, applied 2020-08-13, first in QEMU 5.2):
    /// every aio_notify() from the polling thread writes the context's eventfd, and aio_poll reads it
    /// back (aio_notify_accept). Off (the default, QEMU 5.2): polling watches ctx->notified and no eventfd is touched.
    /// </summary>
    public bool AioNotifyMePolling { get; init; }

    /// <summary>Userspace NVMe driver with interrupt-less (polled) completion queues, polled by the IOThread without a timeout.</summary>
    public bool PolledQueues { get; init; }

    /// <summary>virtio-blk calls the driver's aio interface directly, skipping coroutine request processing.</summary>
    public bool AioFastpath { get; init; }

    /// <summary>fio uses hipri / io_poll: the waiter busy-polls the completion instead of sleeping.</summary>
    public bool IoPoll { get; init; }

    /// <summary>Guest cpuidle-haltpoll (which also turns host halt polling off for the vCPU).</summary>
    public bool GuestHaltPoll { get; init; } = true;

    /// <summary>virtio-blk num-queues: 1, or one per vCPU.</summary>
    public bool MultiQueue { get; init; } = true;

    /// <summary>
    /// The drive's MSI-X vector for the submitting CPU's queue is affine to another, otherwise idle
    /// CPU (a queue shared by several CPUs, or irqbalance); off: it lands on the submitting CPU
    /// (managed affinity, one queue per CPU). On that CPU the IRQ pays its own C-state exit.
    /// </summary>
    public bool IrqOnOtherCpu { get; init; }

    /// <summary>vCPUs in the guest; fio runs its jobs on vCPU 0..numjobs-1.</summary>
    public int Vcpus { get; init; } = 1;

    /// <summary>NUMA node of the vCPU, the IOThread (or main loop), guest memory; the drive is on node 0.</summary>
    public int VcpuNode { get; init; }

    public int IoThreadNode { get; init; }

    public int MemoryNode { get; init; }

    /// <summary>The host uses io_uring rather than libaio for fio (bare metal) or QEMU (aio=io_uring).</summary>
    public bool HostIoUring => Backend == QemuBackend.IoUring;
}
