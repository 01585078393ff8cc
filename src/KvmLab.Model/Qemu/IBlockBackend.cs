using KvmLab.Engine.Time;
using KvmLab.Model.HostOs;
using KvmLab.Model.Storage;

namespace KvmLab.Model.Qemu;

/// <summary>QEMU's block driver under virtio-blk: how a request reaches the drive and how its completion comes back to the event loop.</summary>
public interface IBlockBackend
{
    /// <summary>Submits <paramref name="req"/> from the event loop's thread (after virtio-blk and the block layer), then <paramref name="then"/>.</summary>
    void Submit(IoRequest req, Action then);

    /// <summary>Completions visible to the event loop and not processed yet (the Linux AIO ring, the NVMe CQ).</summary>
    Queue<IoRequest> Completions { get; }

    /// <summary>The completion notifier (the Linux AIO eventfd, the VFIO MSI-X eventfd).</summary>
    Eventfd Notifier { get; }

    /// <summary>The driver's own work for one completion on the event loop's thread.</summary>
    SimSpan CompleteCost { get; }

    /// <summary>Completions come back as a bottom half in the loop (null-co), not through an fd or io_poll.</summary>
    bool CompletesInBh => false;
}
