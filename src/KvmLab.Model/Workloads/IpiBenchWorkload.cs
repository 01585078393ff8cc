using KvmLab.Engine.Stats;
using KvmLab.Engine.Time;
using KvmLab.Model.Guest;
using KvmLab.Model.Kvm;

namespace KvmLab.Model.Workloads;

/// <summary>
/// The IPI benchmark kernel module (Yury Norov, "IPI performance benchmark",
/// Message-Id 20171219085010.4081-1-ynorov@caviumnetworks.com), as used by Wanpeng Li: from one
/// CPU, call a function on other CPUs with wait=1 many times and time each call. Unicast is
/// smp_call_function_single to cpumask_any_but(self); broadcast is smp_call_function_many to all
/// online CPUs but self; multicast (not in the original module) sends to a chosen set.
/// </summary>
public sealed class IpiBenchWorkload : IWorkload
{
    private LatencyHistogram? _latency;
    private long _done;

    public IpiBenchMode Mode { get; init; } = IpiBenchMode.Unicast;

    /// <summary>For multicast: the target CPUs (default: CPUs 1..n-1 of the VM).</summary>
    public IReadOnlyList<int>? Targets { get; init; }

    public int SenderCpu { get; init; }

    /// <summary>Calls to make; 0 means until the duration ends (the module uses NTIMES = 100000).</summary>
    public long Iterations { get; init; }

    /// <summary>handle_ipi on the target: ktime_get and a store. ESTIMATE: ~20 ns with a TSC clocksource.</summary>
    public SimSpan HandlerCost { get; init; } = SimSpan.FromNanoseconds(20);

    /// <summary>send_ipi around the call: get_cpu, ktime_get, put_cpu, the loop. ESTIMATE: ~30 ns.</summary>
    public SimSpan SenderOverhead { get; init; } = SimSpan.FromNanoseconds(30);

    public string Id => "ipi-bench";

    public string PrimaryMetric => "latency_mean";

    public bool Finished => Iterations > 0 && _done >= Iterations;

    private HostContext? _host;

    public void Install(HostContext host, Vm vm)
    {
        _host = host;
        int n = vm.Vcpus.Count;
        if (n < 2)
        {
            throw new InvalidOperationException("ipi-bench needs a VM with at least 2 vCPUs.");
        }

        int[] targets = Mode switch
        {
            IpiBenchMode.Unicast => [SenderCpu == 0 ? 1 : 0],
            IpiBenchMode.Broadcast => [.. Enumerable.Range(0, n).Where(c => c != SenderCpu)],
            IpiBenchMode.Multicast => [.. (Targets ?? [.. Enumerable.Range(0, n).Where(c => c != SenderCpu)]).Where(c => c != SenderCpu)],
            _ => throw new InvalidOperationException($"Unknown mode {Mode}."),
        };
        if (targets.Length == 0 || targets.Any(t => t < 0 || t >= n))
        {
            throw new InvalidOperationException($"ipi-bench targets must be CPUs of the VM other than the sender (0..{n - 1}).");
        }

        _latency = host.Metrics.Histogram("ipi_call");
        vm.Guest.AddTask(new GuestTask("ipi_benchmark", SenderCpu, Program(vm.Guest, targets)));
    }

    private IEnumerable<GuestOp> Program(GuestKernel k, int[] targets)
    {
        while (Iterations == 0 || _done < Iterations)
        {
            SimTime start = k.Now;
            yield return GuestOp.Compute(SenderOverhead);
            yield return GuestOp.CallFunction(targets, HandlerCost, wait: true);
            if (_host!.Measuring)
            {
                _latency!.Record((k.Now - start).Ns);
            }

            _done++;
        }
    }

    public IReadOnlyList<WorkloadMetric> Report(HostContext host)
    {
        var l = _latency!;
        return
        [
            new("iterations", l.Count, "count"),
            new("latency_mean", l.MeanNs / 1000, "us"),
            new("calls_per_s", l.Count == 0 ? 0 : 1e9 / l.MeanNs, "1/s"),
            new("latency_p50", l.Percentile(50) / 1000.0, "us"),
            new("latency_p99", l.Percentile(99) / 1000.0, "us"),
            new("latency_max", l.MaxNs / 1000.0, "us"),
            new("cycles_per_call", l.MeanNs * host.Costs.TscGhz, "cycles"),
        ];
    }
}
