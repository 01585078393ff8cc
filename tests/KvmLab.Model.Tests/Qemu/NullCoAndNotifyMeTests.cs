using KvmLab.Model.Qemu;
using KvmLab.Model.Storage;
using KvmLab.Model.Tests.Storage;
using KvmLab.Model.Workloads;

namespace KvmLab.Model.Tests.Qemu;

/// <summary>
/// QEMU's null-co block driver (block/null.c) under virtio-blk, and aio_notify during polling
/// before and after "aio-posix: keep aio_notify_me disabled during polling" (Hajnoczi, Message-Id
/// &lt;20200806131802.569478-4-stefanha@redhat.com&gt;, QEMU 5.2).
/// </summary>
public class NullCoAndNotifyMeTests
{
    private static readonly StorageConfig NullCo = new() { Path = StoragePath.VirtioBlk, IoThread = true, Backend = QemuBackend.NullCo };

    private static StorageRig Rig(GuestHarness h) => ((FioWorkload)h.Workload).Rig;

    [Fact]
    public void NullCo_NeverTouchesTheDrive_AndSpendsNoTimeInHostOrDevice()
    {
        StorageRig r = Rig(StorageRigTests.Run(NullCo));
        Assert.True(r.Stats.Completed > 500);
        Assert.Equal(0, r.Device.Commands);
        Assert.Equal(0, r.Stats.PhaseMeanNs[(int)IoPhase.Host]);
        Assert.Equal(0, r.Stats.PhaseMeanNs[(int)IoPhase.Device]);
        Assert.Equal(r.Stats.Latency.MeanNs, r.Stats.PhaseMeanNs.Sum(), precision: 3);
    }

    [Fact]
    public void NullCo_IsFasterThanTheDrive_AndLatencyNsAddsItsSleep()
    {
        double drive = Rig(StorageRigTests.Run(NullCo with { Backend = QemuBackend.AioNative })).Stats.Latency.MeanNs;
        double none = Rig(StorageRigTests.Run(NullCo)).Stats.Latency.MeanNs;
        double slept = Rig(StorageRigTests.Run(NullCo with { NullLatencyNs = 20_000 })).Stats.Latency.MeanNs;
        Assert.True(none < drive - 5_000, $"null-co {none} ns, aio=native {drive} ns");
        Assert.InRange(slept - none, 19_000, 30_000); // the 20 us sleep, plus a wake-up when the IOThread stopped polling
    }

    [Fact]
    public void NullCo_WorksOnTheMainLoop_Too()
    {
        StorageRig r = Rig(StorageRigTests.Run(NullCo with { IoThread = false }));
        Assert.True(r.Stats.Completed > 500);
    }

    [Fact]
    public void BeforeQemu52_EveryAioNotifyWhilePolling_WritesTheEventfd_AndAfterNone()
    {
        // Before: notify_me is raised for all of aio_poll, so the bottom halves scheduled from the
        // poll handlers (null-co's blk_aio_complete_bh, virtio-blk's notify_guest_bh) write
        // ctx->notifier, and aio_notify_accept reads it back. After: nothing is written.
        StorageRig before = Rig(StorageRigTests.Run(NullCo with { AioNotifyMePolling = true }));
        StorageRig after = Rig(StorageRigTests.Run(NullCo));
        Assert.True(before.Qemu!.NotifierWrites >= before.Stats.Completed * 0.9, $"{before.Qemu.NotifierWrites} writes for {before.Stats.Completed} requests");
        Assert.True(before.Qemu.NotifierReads > 0);
        Assert.True(before.Qemu.NotifierReads <= before.Qemu.NotifierWrites);
        Assert.Equal(0, after.Qemu!.NotifierWrites);
        Assert.Equal(0, after.Qemu.NotifierReads);
        Assert.True(after.Stats.Completed > before.Stats.Completed, $"after {after.Stats.Completed}, before {before.Stats.Completed} requests");
    }

    [Fact]
    public void WithTheDrive_ThePollHandlersCompletionsStillPayTheWrite_BeforeQemu52()
    {
        // qemu_laio_poll_cb completes requests inside the polling loop: virtio_blk_data_plane_notify's aio_notify writes.
        StorageRig before = Rig(StorageRigTests.Run(NullCo with { Backend = QemuBackend.AioNative, AioNotifyMePolling = true }));
        Assert.True(before.Qemu!.NotifierWrites > 0);
    }
}
