namespace KvmLab.Policies.Hajnoczi2020;

/// <summary>
/// One switch of the storage path that Hajnoczi 2020 compares (the fio workload's key that sets
/// it, what it does, its citation). Declared here once; the fio workload's parameters and
/// `kvmlab list` read them.
/// </summary>
public sealed record StorageSwitch(string Key, string Summary, string Citation) : IPolicyInfo
{
    public string Id => Key;
}

/// <summary>
/// Stefan Hajnoczi, "Towards a 10 us NVMe latency: the challenge" (KVM Forum 2020; seed
/// nvme-10us-challenge-hajnoczi.md): the storage configurations of the QD1 ladder.
/// </summary>
public static class StorageSwitches
{
    private const string Talk = "Hajnoczi 2020 KVM Forum talk (seed nvme-10us-challenge-hajnoczi.md)";

    public static IReadOnlyList<StorageSwitch> All { get; } =
    [
        new("path", "bare-metal (fio on the host), virtio-blk (through QEMU) or vfio (the drive assigned to the guest)", Talk + "; hw/block/virtio-blk.c, drivers/vfio/pci"),
        new("iothread", "virtio-blk served by a dedicated IOThread with an adaptive polling AioContext instead of QEMU's main loop", Talk + "; QEMU -object iothread, util/aio-posix.c"),
        new("backend", "native (Linux AIO), io_uring, nvme (QEMU's userspace NVMe driver over VFIO), or null-co (no I/O: the software path without a device)", Talk + "; block/linux-aio.c, block/io_uring.c, block/nvme.c, block/null.c"),
        new("polled_queues", "the userspace NVMe driver's completion queues polled by the IOThread instead of interrupt-driven", Talk + "; block/nvme.c poll-queues (QEMU 5.2)"),
        new("aio_fastpath", "the userspace NVMe driver called without coroutines (the experimental aio fastpath)", Talk + " (experimental patches, not merged)"),
        new("io_poll", "fio polls for completion (RWF_HIPRI / pvsync2 --hipri) instead of sleeping in io_getevents", Talk + "; block/blk-mq.c blk_poll, fio --hipri"),
        new("guest_haltpoll", "the guest's cpuidle-haltpoll driver polls before HLT (guest idle: haltpoll)", Talk + "; drivers/cpuidle/cpuidle-haltpoll.c"),
        new("multiqueue", "one virtqueue per vCPU (num-queues) instead of one shared queue", Talk + "; virtio-blk num-queues"),
        new("poll_max_ns", "the IOThread's maximum polling time (AioContext poll-max-ns)", "util/aio-posix.c aio_poll, QEMU -object iothread,poll-max-ns"),
        new("poll_grow", "factor the polling time grows by after a successful poll (poll-grow)", "util/aio-posix.c adjust_polling_time"),
        new("poll_shrink", "divisor the polling time shrinks by after an unsuccessful poll (poll-shrink; 0: reset)", "util/aio-posix.c adjust_polling_time"),
        new("null_latency_ns", "null-co's latency-ns: each request sleeps this long in its coroutine (default 0)", "block/null.c NULL_OPT_LATENCY (QEMU 5.2)"),
        new("aio_notify_me_polling", "the IOThread keeps ctx->notify_me raised while polling (QEMU before 5.2): every aio_notify from a poll handler writes and later reads the context's eventfd",
            "Hajnoczi, \"aio-posix: keep aio_notify_me disabled during polling\", Message-Id <20200806131802.569478-4-stefanha@redhat.com> (applied 2020-08-13, QEMU 5.2); util/aio-posix.c aio_poll, util/async.c aio_notify"),
        new("irq_other_cpu", "the drive's interrupt is handled on another CPU than the submitting one", Talk + "; IRQ affinity"),
    ];
}
