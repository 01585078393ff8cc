using KvmLab.Engine.Time;
using KvmLab.Model.Network;

namespace KvmLab.Model.Workloads;

/// <summary>The network path's costs memcached runs with: every one an ESTIMATE (docs/MODEL.md, "Guest network path").</summary>
public static class NetworkEstimates
{
    public static VhostNetCosts Default { get; } = new()
    {
        // ESTIMATE: vhost-net forwards on the order of 1 Mpps per worker for small packets; a
        // memcached response (a few hundred bytes) through tun_sendmsg and the bridge: 1.5 us.
        TxPerPacket = SimSpan.FromMicroseconds(1.5),

        // ESTIMATE: tun_recvmsg, the copy into the guest's mergeable buffers, vhost_add_used: 1.5 us.
        RxPerPacket = SimSpan.FromMicroseconds(1.5),

        // ESTIMATE: the earlier 15 us one way (a 10 GbE LAN hop plus vhost) less the ~2 us of vhost work now modeled apart.
        WireOneWay = SimSpan.FromMicroseconds(13),
    };
}
