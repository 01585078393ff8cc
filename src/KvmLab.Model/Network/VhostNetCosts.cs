using KvmLab.Engine.Time;

namespace KvmLab.Model.Network;

/// <summary>The host side of virtio-net's costs (vhost-net); a part of the cost profile (<see cref="Hardware.CostProfile.Network"/>); values and sources in docs/MODEL.md.</summary>
public sealed record VhostNetCosts
{
    /// <summary>handle_tx per packet: vhost_get_vq_desc, tun_sendmsg into the host stack, vhost_add_used.</summary>
    public required SimSpan TxPerPacket { get; init; }

    /// <summary>handle_rx per packet: tun_recvmsg, the copy into the guest's buffers, vhost_add_used.</summary>
    public required SimSpan RxPerPacket { get; init; }
}
