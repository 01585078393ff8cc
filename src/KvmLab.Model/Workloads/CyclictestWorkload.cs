using System.Globalization;
using KvmLab.Engine.Stats;
using KvmLab.Engine.Time;
using KvmLab.Model.Guest;
using KvmLab.Model.Kvm;

namespace KvmLab.Model.Workloads;

/// <summary>
/// cyclictest (rt-tests src/cyclictest/cyclictest.c, v2.1 defaults): each thread sleeps with
/// clock_nanosleep(TIMER_ABSTIME) to its next period, reads the clock on waking and records the
/// difference as its wake-up latency. Thread i has interval + i * distance and runs on vCPU i
/// (as with -a/-t). Priority 0 is SCHED_OTHER (the default); above 0 it is SCHED_FIFO.
/// </summary>
public sealed class CyclictestWorkload : IWorkload
{
    private readonly List<LatencyHistogram> _perThread = [];
    private LatencyHistogram? _all;
    private long _done;
    private HostContext? _host;

    public int Threads { get; init; } = 1;

    /// <summary>-i: the base interval (DEFAULT_INTERVAL 1000 us).</summary>
    public SimSpan Interval { get; init; } = SimSpan.FromMicroseconds(1000);

    /// <summary>-d: added to the interval per thread (DEFAULT_DISTANCE 500 us).</summary>
    public SimSpan Distance { get; init; } = SimSpan.FromMicroseconds(500);

    /// <summary>-p: SCHED_FIFO priority; 0 keeps SCHED_OTHER.</summary>
    public int Priority { get; init; }

    /// <summary>-l: loops per thread; 0 runs until the scenario ends.</summary>
    public long Loops { get; init; }

    /// <summary>Entering clock_nanosleep: the loop's arithmetic and the syscall entry. ESTIMATE: ~100 ns.</summary>
    public SimSpan SyscallEntry { get; init; } = SimSpan.FromNanoseconds(100);

    /// <summary>Returning from clock_nanosleep to user space and clock_gettime (vDSO). ESTIMATE: ~150 ns.</summary>
    public SimSpan ReturnAndRead { get; init; } = SimSpan.FromNanoseconds(150);

    public string Id => "cyclictest";

    public string PrimaryMetric => "latency_avg";

    public bool Finished => Loops > 0 && _done >= Loops * Threads;

    public void Install(HostContext host, Vm vm)
    {
        _host = host;
        if (Threads < 1 || Threads > vm.Vcpus.Count)
        {
            throw new InvalidOperationException($"cyclictest threads must be between 1 and the VM's {vm.Vcpus.Count} vCPUs.");
        }

        _all = host.Metrics.Histogram("cyclictest");
        for (int i = 0; i < Threads; i++)
        {
            var h = new LatencyHistogram($"cyclictest T{i}");
            _perThread.Add(h);
            SimSpan interval = Interval + (Distance * i);
            // cyclictest is launched at an arbitrary instant: its periods have a uniformly random
            // phase against the guest's CONFIG_HZ tick and the host's timers, which decides
            // whether the tick and the wake-up share an interrupt (issue 11: without it every seed
            // gave the same numbers). Each thread draws from its own named stream.
            SimSpan phase = SimSpan.FromNanoseconds(host.Rng.Get($"vm{vm.Id}/cyclictest/T{i}/start").NextDouble() * interval.Ns);
            vm.Guest.AddTask(new GuestTask($"cyclictest/{i}", i, Program(vm.Guest, interval, phase, h)) { Priority = Priority });
        }
    }

    private IEnumerable<GuestOp> Program(GuestKernel k, SimSpan interval, SimSpan phase, LatencyHistogram h)
    {
        if (phase.Ns > 0)
        {
            yield return GuestOp.SleepUntil(k.Now + phase); // launched at a random instant
        }

        // The first period starts one interval after the thread starts, as in timerthread().
        SimTime next = k.Now + interval;
        long loops = 0;
        while (Loops == 0 || loops < Loops)
        {
            yield return GuestOp.Compute(SyscallEntry);
            yield return GuestOp.SleepUntil(next);
            yield return GuestOp.Compute(ReturnAndRead);
            long latency = (k.Now - next).Ns;
            if (_host!.Measuring)
            {
                h.Record(Math.Max(0, latency));
                _all!.Record(Math.Max(0, latency));
            }

            loops++;
            _done++;
            next += interval;
            while (next <= k.Now)
            {
                next += interval; // an overrun: cyclictest skips missed periods the same way
            }
        }
    }

    public IReadOnlyList<WorkloadMetric> Report(HostContext host)
    {
        var a = _all!;
        bool none = a.Count == 0; // no samples: no latency (shown as n/a, null in JSON), not 0 us
        return
        [
            new("samples", a.Count, "count"),
            new("latency_min", none ? double.NaN : a.MinNs / 1000.0, "us"),
            new("latency_avg", a.MeanNs / 1000.0, "us"),
            new("latency_p99", none ? double.NaN : a.Percentile(99) / 1000.0, "us"),
            new("latency_max", none ? double.NaN : a.MaxNs / 1000.0, "us"),
        ];
    }

    /// <summary>rt-tests' per-thread line (its integers are microseconds; these keep one decimal).</summary>
    public IReadOnlyList<string> Summary(HostContext host)
    {
        var lines = new List<string>();
        for (int i = 0; i < _perThread.Count; i++)
        {
            LatencyHistogram h = _perThread[i];
            SimSpan interval = Interval + (Distance * i);
            if (h.Count == 0)
            {
                // cyclictest itself would print zeros; an average of nothing is not a latency.
                lines.Add(string.Create(CultureInfo.InvariantCulture,
                    $"T:{i,2} P:{Priority,2} I:{interval.Ns / 1000} C:{0,7} Min:{"-",7} Avg:{"-",7} P99:{"-",7} Max:{"-",7} (no samples: no wake-up after the warm-up)"));
                continue;
            }

            lines.Add(string.Create(CultureInfo.InvariantCulture,
                $"T:{i,2} P:{Priority,2} I:{interval.Ns / 1000} C:{h.Count,7} Min:{h.MinNs / 1000.0,7:F1} Avg:{h.MeanNs / 1000.0,7:F1} P99:{h.Percentile(99) / 1000.0,7:F1} Max:{h.MaxNs / 1000.0,7:F1}"));
        }

        return lines;
    }
}
