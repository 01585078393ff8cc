namespace KvmLab.Model.Storage;

/// <summary>Which stack sits between fio and the drive.</summary>
public enum StoragePath
{
    /// <summary>fio on the host, the Linux NVMe driver.</summary>
    BareMetal,

    /// <summary>fio in a guest, virtio-blk emulated by QEMU.</summary>
    VirtioBlk,

    /// <summary>fio in a guest, the drive assigned with VFIO (doorbells mapped, interrupts posted).</summary>
    VfioPassthrough,
}
