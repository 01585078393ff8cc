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
/// Each connection has one request in flight (pipeline 1): the request crosses the network and
/// vhost-net, which posts the receive queue's MSI-X interrupt to that queue's vCPU (irqfd ->
/// posted interrupt; NAPI keeps the interrupt masked while it polls, so a busy queue takes one
/// interrupt for a batch). The interrupt handler queues the request on its connection's worker
/// thread and wakes it (epoll; a remote wakeup of an idle vCPU is a reschedule IPI). The worker
/// (memcached's libevent thread, connections dealt round robin) serves it and the response
/// crosses back; the client sends the next request at once. Workers, like memcached -t threads,
/// are spread over the vCPUs. What this leaves out: TX kicks (vhost-net's notification
/// suppression under load), TCP timers (timer wheel, no clockevent writes), the listener thread.
/// </summary>
public sealed class MemcachedWorkload : IWorkload, IEventHandler
{
    private Queue<int>[] _workerBacklog = [];
    private Queue<int>[] _rxBacklog = [];
    private bool[] _napiScheduled = [];
    private GuestWaitQueue[] _workerWake = [];
    private SimTime[] _sentAt = [];
    private LatencyHistogram? _latency;
    private RngStream? _rng;
    private HostContext? _host;
    private Vm? _vm;
    private long _completed;
    private long _rxInterrupts;

    /// <summary>memcached -t (default 4).</summary>
    public int Threads { get; init; } = 4;

    /// <summary>memtier threads x clients (defaults 4 x 50).</summary>
    public int Connections { get; init; } = 200;

    /// <summary>Set:Get ratio as the share of sets (memtier default 1:10).</summary>
    public double SetShare { get; init; } = 1.0 / 11.0;

    /// <summary>One way between the client and the guest: wire, host NIC, vhost-net. ESTIMATE: 15 us (a 10 GbE LAN hop plus vhost).</summary>
    public SimSpan NetworkOneWay { get; init; } = SimSpan.FromMicroseconds(15);

    /// <summary>Guest receive path per request: NAPI poll, netif_receive_skb, TCP receive, socket wakeup preparation. ESTIMATE: 2 us.</summary>
    public SimSpan RxCost { get; init; } = SimSpan.FromMicroseconds(2);

    /// <summary>A get in the worker: epoll return, read(), parse, hash lookup, sendmsg() through TCP and virtio-net. ESTIMATE: 5 us.</summary>
    public SimSpan GetCost { get; init; } = SimSpan.FromMicroseconds(5);

    /// <summary>A set: as a get plus item allocation and copy. ESTIMATE: 6 us.</summary>
    public SimSpan SetCost { get; init; } = SimSpan.FromMicroseconds(6);

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
        _rxBacklog = [.. Enumerable.Range(0, n).Select(_ => new Queue<int>())];
        _napiScheduled = new bool[n];
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
                _host.Sim.ScheduleAfter(NetworkOneWay, this, 1, c);
                break;
            case 1:
                Arrive(c);
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

    /// <summary>vhost-net put the request on receive queue c mod n and signals its interrupt unless NAPI is polling.</summary>
    private void Arrive(int c)
    {
        int q = c % _rxBacklog.Length;
        _rxBacklog[q].Enqueue(c);
        if (!_napiScheduled[q])
        {
            _napiScheduled[q] = true;
            _rxInterrupts++;
            _vm!.Vcpus[q].AcceptInterrupt(Vectors.NetRx);
        }
    }

    /// <summary>virtnet interrupt -> NAPI poll: take every queued request, hand each to its worker.</summary>
    private void RxInterrupt(GuestCpu cpu, Action iret)
    {
        GuestKernel k = cpu.Kernel;
        k.Eoi(cpu, () => Poll(cpu, iret));
    }

    private void Poll(GuestCpu cpu, Action iret)
    {
        Queue<int> backlog = _rxBacklog[cpu.Id];
        if (backlog.Count == 0)
        {
            _napiScheduled[cpu.Id] = false; // napi_complete: interrupts on again
            iret();
            return;
        }

        int c = backlog.Dequeue();
        cpu.Compute(RxCost, () =>
        {
            int w = c % Threads;
            _workerBacklog[w].Enqueue(c);
            cpu.Kernel.Post(cpu, _workerWake[w], () => Poll(cpu, iret));
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
            _host!.Sim.ScheduleAfter(NetworkOneWay, this, 2, c);
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
            new("rx_interrupts_per_s", _rxInterrupts / host.Sim.Now.Seconds, "1/s"),
        ];
    }

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
