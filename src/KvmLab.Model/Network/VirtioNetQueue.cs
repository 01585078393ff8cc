using KvmLab.Model.HostOs;
using KvmLab.Model.Kvm;

namespace KvmLab.Model.Network;

/// <summary>
/// One virtio-net queue pair as both sides see it (drivers/net/virtio_net.c, drivers/vhost/net.c,
/// v5.10): the TX ring the guest fills from start_xmit and vhost-net drains, with vq->notification
/// (vhost_disable_notify while handle_tx runs, vhost_enable_notify before it sleeps, so the guest's
/// virtqueue_kick_prepare finds no kick needed meanwhile: VIRTIO_RING_F_EVENT_IDX), and the RX ring
/// vhost-net fills and the guest's NAPI drains, with the callback state NAPI keeps off while it
/// polls (virtqueue_disable_cb in skb_recv_done, virtqueue_enable_cb_prepare at napi_complete).
/// The TX kick is a write to the queue's notify address served by an ioeventfd; the RX interrupt an
/// irqfd to the queue's vCPU (a posted interrupt with APICv).
/// </summary>
public sealed class VirtioNetQueue(int index, long notifyAddress, Eventfd kick, Irqfd rxIrq)
{
    public int Index { get; } = index;

    public long NotifyAddress { get; } = notifyAddress;

    /// <summary>The TX queue's ioeventfd (vhost's kick eventfd).</summary>
    public Eventfd Kick { get; } = kick;

    /// <summary>The RX queue's MSI-X irqfd.</summary>
    public Irqfd RxIrq { get; } = rxIrq;

    /// <summary>TX vq->notification: the guest kicks after adding a packet.</summary>
    public bool TxNotification { get; internal set; } = true;

    /// <summary>RX callbacks enabled: vhost signals the irqfd for a new packet (NAPI not polling).</summary>
    public bool RxCallbacks { get; internal set; } = true;

    /// <summary>Packets (connection ids) the guest queued that vhost has not sent.</summary>
    public Queue<int> Tx { get; } = new();

    /// <summary>Packets arrived at the tap that vhost has not copied to the guest.</summary>
    public Queue<int> TapRx { get; } = new();

    /// <summary>Packets in the guest's RX ring that NAPI has not taken.</summary>
    public Queue<int> Rx { get; } = new();

    public long Kicks { get; internal set; }

    public long SuppressedKicks { get; internal set; }

    public long RxInterrupts { get; internal set; }
}
