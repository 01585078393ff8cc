namespace KvmLab.Model.Storage;

/// <summary>How QEMU reaches the drive for a virtio-blk device.</summary>
public enum QemuBackend
{
    /// <summary>file-posix with aio=native: Linux AIO io_submit, completion through an eventfd.</summary>
    AioNative,

    /// <summary>file-posix with aio=io_uring.</summary>
    IoUring,

    /// <summary>block/nvme.c: QEMU's userspace NVMe driver over VFIO.</summary>
    UserspaceNvme,

    /// <summary>block/null.c null-co: every request completes in its coroutine with no I/O (after latency-ns, default 0).</summary>
    NullCo,
}
