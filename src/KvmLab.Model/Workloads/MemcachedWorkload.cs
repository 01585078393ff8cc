using System.Globalization;
using KvmLab.Engine.Events;
using KvmLab.Engine.Random;
using KvmLab.Engine.Stats;
using KvmLab.Engine.Time;
using KvmLab.Model.Guest;
using KvmLab.Model.Kvm;

namespace KvmLab.Model.Workloads;

/// <summary>
/// memcached in the guest driven by a memtier_benchmark-like closed-loop client outside it.
/// Each connection has one request in flight (pipeline 1). The network path is virtio-net with
/// vhost-net (<see cref="Network.VirtioNetQueue"/>, <see cref="Network.VhostNetWorker"/>), one
/// queue pair per vCPU: the request crosses the wire to the tap of queue c mod n (the flow's
/// queue), whose vhost worker thread copies it into the guest's RX ring and signals the irqfd — a
/// posted interrupt to that queue's vCPU — unless the guest's NAPI polls (callbacks off until
/// napi_complete, so a busy queue takes one interrupt for a batch). The interrupt handler queues
/// the request on its connection's worker thread and wakes it (epoll; a remote wakeup of a busy
/// vCPU is a reschedule IPI). The worker (memcached's libevent thread, connections dealt round
/// robin) serves it and sends the response through its CPU's TX queue (XPS): start_xmit adds it
/// and kicks — an EPT_MISCONFIG exit to the ioeventfd that wakes the vhost worker — unless vhost
/// is already draining that queue (notifications off: EVENT_IDX suppression). vhost's handle_tx
/// sends it out; the client sends the next request when the response arrives. No interrupt
/// coalescing: virtio-net gained it in Linux 6.x, after the sources' kernels. What this leaves
/// out: TX completion interrupts (start_xmit frees old buffers), TCP timers (the timer wheel, no
/// clockevent writes), the listener thread.
/// </summary>
public sealed class MemcachedWorkload : IWorkload, IEventHandler
{
    private Queue<int>[] _workerBacklog = [];
    private Network.VirtioNetQueue[] _queues = [];
    private Network.VhostNetWorker[] _vhost = [];
    private GuestWaitQueue[] _workerWake = [];
    private SimTime[] _sentAt = [];
    private LatencyHistogram? _latency;
    private RngStream? _rng;
    private HostContext? _host;
    private Vm? _vm;
    private long _completed;

    /// <summary>memcached -t (default 4).</summary>
    public int Threads { get; init; } = 4;

    /// <summary>memtier threads x clients (defaults 4 x 50).</summary>
    public int Connections { get; init; } = 200;

    /// <summary>Set:Get ratio as the share of sets (memtier default 1:10).</summary>
    public double SetShare { get; init; } = 1.0 / 11.0;

    /// <summary>vhost-net's per-packet work (null: the cost profile's <see cref="Hardware.CostProfile.Network"/>).</summary>
    public Network.VhostNetCosts? Vhost { get; init; }

    /// <summary>The wire, the NIC and the host bridge to the tap, one way; vhost's work is modeled on top. ESTIMATE: 13 us (the earlier 15 us for a 10 GbE hop plus vhost, less the ~2 us of vhost work now modeled apart).</summary>
    public SimSpan WireOneWay { get; init; } = SimSpan.FromMicroseconds(13);

    /// <summary>Guest receive path per request: NAPI poll, netif_receive_skb, TCP receive, socket wakeup preparation. ESTIMATE: 2 us.</summary>
    public SimSpan RxCost { get; init; } = SimSpan.FromMicroseconds(2);

    /// <summary>A get in the worker: epoll return, read(), parse, hash lookup, sendmsg() through TCP and virtio-net. ESTIMATE: 5 us.</summary>
    public SimSpan GetCost { get; init; } = SimSpan.FromMicroseconds(5);

    /// <summary>A set: as a get plus item allocation and copy. ESTIMATE: 6 us.</summary>
    public SimSpan SetCost { get; init; } = SimSpan.FromMicroseconds(6);

    /// <summary>Where virtio-net's notify region starts (its own BAR; queue q at NotifyBase + q x QEMU's notify multiplier).</summary>
    public const long NotifyBase = 0xfe10_3000;

    public string Id => "memcached";

    public string PrimaryMetric => "ops_per_s";

    public bool Finished => false;

    private SimTime MeasureStart => _host!.MeasureFrom;

    public void Install(HostContext host, Vm vm)
    {
        if (Threads < 1 || Threads > vm.Vcpus.Count)
        {
            throw new InvalidOperationException($"memcached threads must be between 1 and the VM's {vm.Vcpus.Count} vCPUs.");
        }

        if (Connections < 1)
        {
            throw new InvalidOperationException("memcached needs at least one connection.");
        }

        _host = host;
        _vm = vm;
        _rng = host.Rng.Get("memtier");
        _latency = host.Metrics.Histogram("memtier");
        int n = vm.Vcpus.Count;
        _queues = [.. Enumerable.Range(0, n).Select(q =>
        {
            var kick = new HostOs.Eventfd($"virtio-net txq{q}");
            long notify = NotifyBase + (q * Qemu.VirtioBlkDevice.NotifyStride);
            vm.AssignIoeventfd(notify, kick);
            return new Network.VirtioNetQueue(q, notify, kick, new Irqfd(vm, q, Vectors.NetRx));
        })];
        _vhost = [.. _queues.Select(q => new Network.VhostNetWorker(host, vm.Id, q, Vhost ?? host.Costs.Network, Sent))];
        foreach (Network.VhostNetWorker w in _vhost)
        {
            w.Start();
        }

        _sentAt = new SimTime[Connections];
        _workerWake = [.. Enumerable.Range(0, Threads).Select(w => new GuestWaitQueue($"memcached/worker{w}"))];
        _workerBacklog = [.. Enumerable.Range(0, Threads).Select(_ => new Queue<int>())];

        GuestKernel k = vm.Guest;
        k.SetVectorHandler(Vectors.NetRx, RxInterrupt);
        for (int w = 0; w < Threads; w++)
        {
            int cpu = w * n / Threads;
            k.AddTask(new GuestTask($"memcached/worker{w}", cpu, Worker(w)));
        }

        // Connections open one after another; each sends its first request at once.
        for (int c = 0; c < Connections; c++)
        {
            host.Sim.ScheduleAfter(SimSpan.FromMicroseconds(1 + c), this, 0, c);
        }
    }

    /// <summary>A request from connection <paramref name="arg"/> leaves the client.</summary>
    void IEventHandler.OnEvent(int kind, long arg)
    {
        int c = (int)arg;
        switch (kind)
        {
            case 0:
                _sentAt[c] = _host!.Sim.Now;
                _host.Sim.ScheduleAfter(WireOneWay, this, 1, c);
                break;
            case 1:
                _vhost[c % _vhost.Length].TapReceive(c); // the flow's queue
                break;
            case 2:
                // The response reached the client: record, send the next request.
                if (_sentAt[c] >= MeasureStart)
                {
                    _latency!.Record((_host!.Sim.Now - _sentAt[c]).Ns);
                    _completed++;
                }

                ((IEventHandler)this).OnEvent(0, c);
                break;
            default:
                throw new InvalidOperationException($"Unknown memcached event {kind}.");
        }
    }

    /// <summary>vhost-net's handle_tx sent connection <paramref name="c"/>'s response out through the tap.</summary>
    private void Sent(int c) => _host!.Sim.ScheduleAfter(WireOneWay, this, 2, c);

    /// <summary>virtnet interrupt (skb_recv_done: callbacks off, napi_schedule) -> NAPI poll: take every packet in the ring, hand each to its worker.</summary>
    private void RxInterrupt(GuestCpu cpu, Action iret)
    {
        GuestKernel k = cpu.Kernel;
        k.Eoi(cpu, () => Poll(cpu, iret));
    }

    private void Poll(GuestCpu cpu, Action iret)
    {
        Network.VirtioNetQueue q = _queues[cpu.Id];
        if (!q.Rx.TryDequeue(out int c))
        {
            // napi_complete_done, virtqueue_enable_cb_prepare; virtqueue_poll finds nothing new.
            q.RxCallbacks = true;
            iret();
            return;
        }

        cpu.Compute(RxCost, () =>
        {
            int w = c % Threads;
            _workerBacklog[w].Enqueue(c);
            cpu.Kernel.Post(cpu, _workerWake[w], () => Poll(cpu, iret));
        });
    }

    /// <summary>start_xmit on the worker's CPU's TX queue (XPS): add the packet, kick unless vhost has notifications off.</summary>
    private void Transmit(GuestCpu cpu, int c, Action then)
    {
        Network.VirtioNetQueue q = _queues[cpu.Id];
        q.Tx.Enqueue(c);
        cpu.Compute(_host!.Costs.Storage.GuestKickPrepare, () =>
        {
            if (!q.TxNotification)
            {
                q.SuppressedKicks++;
                then();
                return;
            }

            q.Kicks++;
            cpu.ExitingInstruction(ExitReason.EptMisconfig, 0, default, then, data: q.NotifyAddress);
        });
    }

    private IEnumerable<GuestOp> Worker(int w)
    {
        while (true)
        {
            yield return GuestOp.WaitOn(_workerWake[w]);
            int c = _workerBacklog[w].Dequeue();
            bool set = _rng!.NextDouble() < SetShare;
            yield return GuestOp.Compute(set ? SetCost : GetCost);
            yield return GuestOp.Run((cpu, then) => Transmit(cpu, c, then));
        }
    }

    public IReadOnlyList<WorkloadMetric> Report(HostContext host)
    {
        double seconds = Math.Max((host.Sim.Now - MeasureStart).Seconds, 1e-12);
        var l = _latency!;
        double none = l.Count == 0 ? double.NaN : 1; // no request: no latency (n/a, null in JSON), not 0 us
        return
        [
            new("ops_per_s", _completed / seconds, "ops/s"),
            new("latency_avg", l.MeanNs / 1000.0, "us"),
            new("latency_p50", none * l.Percentile(50) / 1000.0, "us"),
            new("latency_p99", none * l.Percentile(99) / 1000.0, "us"),
            new("latency_p999", none * l.Percentile(99.9) / 1000.0, "us"),
            new("rx_interrupts_per_s", _queues.Sum(q => q.RxInterrupts) / host.Sim.Now.Seconds, "1/s"),
            new("tx_kicks_per_s", _queues.Sum(q => q.Kicks) / host.Sim.Now.Seconds, "1/s"),
            new("tx_kicks_suppressed_share", Share(_queues.Sum(q => q.SuppressedKicks), _queues.Sum(q => q.Kicks + q.SuppressedKicks)), "%"),
            new("vhost_busy_share", _vhost.Sum(w => host.Scheduler.RuntimeSoFar(w).Ns) / Math.Max(1, host.Sim.Now.Ns * (double)_vhost.Length) * 100, "%"),
        ];
    }

    private static double Share(long part, long whole) => whole == 0 ? 0 : 100.0 * part / whole;

    /// <summary>memtier_benchmark's totals line (latencies in milliseconds, as memtier prints them).</summary>
    public IReadOnlyList<string> Summary(HostContext host)
    {
        double seconds = Math.Max((host.Sim.Now - MeasureStart).Seconds, 1e-12);
        var l = _latency!;
        if (l.Count == 0)
        {
            // Latencies of no request are not latencies: say so instead of printing NaN and zeros.
            return
            [
                "Type         Ops/sec     Avg. Latency     p50 Latency     p99 Latency   p99.9 Latency",
                string.Create(CultureInfo.InvariantCulture, $"Totals  {0.0,13:F2}  {"-",15}  {"-",14}  {"-",14}  {"-",14}  (no request completed after the warm-up)"),
            ];
        }

        return
        [
            "Type         Ops/sec     Avg. Latency     p50 Latency     p99 Latency   p99.9 Latency",
            // memtier_benchmark prints latencies in milliseconds and says so nowhere; the units row does.
            string.Create(CultureInfo.InvariantCulture, $"{"",6}  {"(ops/s)",13}  {"(ms)",15}  {"(ms)",14}  {"(ms)",14}  {"(ms)",14}"),
            string.Create(CultureInfo.InvariantCulture,
                $"Totals  {_completed / seconds,13:F2}  {l.MeanNs / 1e6,15:F5}  {l.Percentile(50) / 1e6,14:F5}  {l.Percentile(99) / 1e6,14:F5}  {l.Percentile(99.9) / 1e6,14:F5}"),
        ];
    }
}
