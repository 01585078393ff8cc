using KvmLab.Model.HostOs;
using KvmLab.Model.Kvm;
using KvmLab.Model.Storage;

namespace KvmLab.Model.Qemu;

/// <summary>
/// One virtqueue of the virtio-blk device as both sides see it (hw/virtio/virtio.c,
/// drivers/virtio/virtio_ring.c): the avail ring the guest fills and QEMU pops, the used ring QEMU
/// fills and the guest drains, and vq->notification — whether the guest must kick. With
/// notifications off QEMU sets VRING_USED_F_NO_NOTIFY, or with EVENT_IDX stops moving avail_event
/// (vring_set_avail_event returns early while !vq->notification), so virtqueue_kick_prepare finds
/// no kick needed. The kick is a write to the queue's notify address, served by an ioeventfd; the
/// interrupt back is an irqfd.
/// </summary>
public sealed class VirtQueue(int index, long notifyAddress, Eventfd hostNotifier, Irqfd irqfd)
{
    public int Index { get; } = index;

    /// <summary>The guest-physical address of the queue's notify doorbell (in the virtio-pci notify BAR region).</summary>
    public long NotifyAddress { get; } = notifyAddress;

    /// <summary>The ioeventfd KVM signals on a kick (QEMU's host notifier).</summary>
    public Eventfd HostNotifier { get; } = hostNotifier;

    /// <summary>The irqfd of the queue's MSI-X vector (its vCPU and vector).</summary>
    public Irqfd Irqfd { get; } = irqfd;

    /// <summary>vq->notification: the guest kicks after adding a buffer.</summary>
    public bool Notification { get; internal set; } = true;

    /// <summary>Requests the guest made available that QEMU has not popped.</summary>
    public Queue<IoRequest> Avail { get; } = new();

    /// <summary>Completed requests QEMU pushed that the guest has not taken.</summary>
    public Queue<IoRequest> Used { get; } = new();
}
