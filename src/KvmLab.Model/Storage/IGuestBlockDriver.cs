using KvmLab.Engine.Time;
using KvmLab.Model.Guest;

namespace KvmLab.Model.Storage;

/// <summary>The guest kernel's block driver under fio: virtio-blk, or the NVMe driver on a passed-through drive.</summary>
internal interface IGuestBlockDriver
{
    /// <summary>io_submit's work after the syscall entry: blk-mq, the driver's queue_rq and its notification; then <paramref name="then"/>.</summary>
    void Submit(GuestCpu cpu, IoRequest req, Action then);

    /// <summary>io_poll: one blk_poll pass that finds a completion and completes it (the used ring or the CQ).</summary>
    SimSpan PolledCompletion { get; }
}
