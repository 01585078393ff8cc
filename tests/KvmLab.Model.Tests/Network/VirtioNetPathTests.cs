using KvmLab.Engine.Time;
using KvmLab.Model.Kvm;
using KvmLab.Model.Workloads;

namespace KvmLab.Model.Tests.Network;

/// <summary>
/// memcached's virtio-net path with vhost-net (drivers/net/virtio_net.c, drivers/vhost/net.c,
/// v5.10): a TX kick is an EPT_MISCONFIG exit to the ioeventfd unless vhost is draining the queue
/// (vhost_disable_notify until its ring is empty: EVENT_IDX suppression); each RX packet reaches
/// the guest through vhost's irqfd as an interrupt unless NAPI polls (callbacks off until
/// napi_complete); the vhost workers are host threads that use host CPU.
/// </summary>
public class VirtioNetPathTests
{
    private static (GuestHarness H, MemcachedWorkload W) Run(MemcachedWorkload w, int vcpus = 2, int ms = 5)
    {
        GuestHarness h = new GuestHarness(w, vcpus: vcpus).Run(SimSpan.FromMilliseconds(ms));
        return (h, w);
    }

    [Fact]
    public void OneConnection_EveryResponseKicks_AndEveryRequestInterrupts()
    {
        // One request in flight: vhost has gone back to sleep (notifications on) before each response.
        var (h, w) = Run(new MemcachedWorkload { Threads = 1, Connections = 1 });
        double kicks = h.Metric("tx_kicks_per_s");
        double rx = h.Metric("rx_interrupts_per_s");
        Assert.True(kicks > 10_000, $"{kicks} kicks/s");
        Assert.Equal(0, h.Metric("tx_kicks_suppressed_share"));
        Assert.InRange(rx / kicks, 0.95, 1.05); // a request per response
        Assert.Equal((long)(kicks * h.Host.Sim.Now.Seconds), h.Exits(ExitReason.EptMisconfig));
    }

    [Fact]
    public void ABusyVhostWorker_SuppressesKicks()
    {
        // A slow handle_tx keeps the worker draining: responses queued meanwhile need no kick.
        var slow = KvmLab.Model.Hardware.Profiles.SkylakeSp2020().Network with { TxPerPacket = SimSpan.FromMicroseconds(20) };
        var (h, _) = Run(new MemcachedWorkload { Threads = 2, Connections = 64, Vhost = slow });
        Assert.True(h.Metric("tx_kicks_suppressed_share") > 50, $"{h.Metric("tx_kicks_suppressed_share")}% suppressed");
        Assert.True(h.Metric("vhost_busy_share") > 50);
    }

    [Fact]
    public void UnderLoad_NapiTakesABatchPerInterrupt()
    {
        // A slow guest receive path: packets pile up in the ring while NAPI polls.
        var (h, _) = Run(new MemcachedWorkload { Threads = 2, Connections = 64, RxCost = SimSpan.FromMicroseconds(8) });
        double ops = h.Metric("ops_per_s");
        double rx = h.Metric("rx_interrupts_per_s");
        Assert.True(rx < 0.5 * ops, $"{rx} interrupts/s for {ops} requests/s");
    }

    [Fact]
    public void TheVhostWorkers_AreHostThreads_ThatUseHostCpu()
    {
        var (h, _) = Run(new MemcachedWorkload { Threads = 2, Connections = 16 });
        var vhost = h.Host.Scheduler.Threads.Where(t => t.Name.StartsWith("vhost-", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, vhost.Count); // one per queue pair, one queue pair per vCPU
        Assert.All(vhost, t => Assert.True(h.Host.Scheduler.RuntimeSoFar(t) > SimSpan.Zero));
        Assert.InRange(h.Metric("vhost_busy_share"), 1, 100);
    }
}
