using System.Globalization;
using KvmLab.Engine.Time;
using KvmLab.Model.Workloads;

namespace KvmLab.Scenarios;

/// <summary>Turns a workload spec into a workload, checking each parameter with its line.</summary>
public static class WorkloadFactory
{
    public static IReadOnlyList<string> Types { get; } = ["kut-ipi", "ipi-bench", "cyclictest", "hackbench", "memcached", "ipi-send", "fio", "ebizzy", "lock-stress", "pbzip2"];

    public static IReadOnlyList<string> ParametersOf(string type) => type switch
    {
        "kut-ipi" => ["iterations"],
        "ipi-bench" => ["mode", "sender", "targets", "iterations"],
        "cyclictest" => ["threads", "interval_us", "distance_us", "priority", "loops"],
        "hackbench" => ["groups", "fds", "loops", "datasize"],
        "memcached" => ["threads", "connections", "set_ratio", "network_us"],
        "ipi-send" => ["sender", "target", "period_us", "iterations"],
        "fio" => FioParameters.Names,
        "ebizzy" => ["threads"],
        "lock-stress" => ["locks", "outside_us", "inside_us"],
        "pbzip2" => ["threads"],
        _ => [],
    };

    public static string Describe(string type) => type switch
    {
        "kut-ipi" => "kvm-unit-tests x86/vmexit.c 'ipi': on_cpu(1, nop) in a loop, target halted (cycles per IPI)",
        "ipi-bench" => "IPI benchmark module (Norov 2017): smp_call_function with wait, unicast/broadcast/multicast (latency)",
        "cyclictest" => "rt-tests cyclictest: clock_nanosleep periodic threads, wake-up latency min/avg/p99/max (us)",
        "hackbench" => "rt-tests hackbench: groups of senders and receivers on socketpairs (time, messages/s)",
        "memcached" => "memcached with a memtier_benchmark-like closed-loop client (ops/s, latency percentiles)",
        "ipi-send" => "the sender's cost of one IPI (rdtsc around apic->send_IPI) to a mostly idle target (cycles)",
        "fio" => FioParameters.Description,
        "ebizzy" => "ebizzy -M: threads copy, search and free 512 KiB chunks; heap trims shoot down TLBs (records/s)",
        "lock-stress" => "kernel spinlock loop on shared locks, one thread per vCPU (acquisitions/s)",
        "pbzip2" => "pbzip2: producer, one compressing consumer per vCPU, writer, over a bounded queue (blocks/s)",
        _ => "",
    };

    /// <summary>A trillion iterations is years of simulated IPIs; the bound keeps loops x threads inside a long.</summary>
    public const long MaxIterations = 1_000_000_000_000;

    public static IWorkload Create(WorkloadSpec spec, string file = "<scenario>")
    {
        ArgumentNullException.ThrowIfNull(spec);
        var p = spec.Parameters;
        long Long(string name, long fallback, long min, long max = long.MaxValue, string? why = null)
        {
            if (!p.TryGetValue(name, out ScalarValue? v))
            {
                return fallback;
            }

            if (v.Items is not null)
            {
                throw new ScenarioException(file, v.Line, $"workload.{name}", "expected a single value, not a list");
            }

            return ValueText.Integer(v.Text, min, max, out long x, why) is { } problem
                ? throw new ScenarioException(file, v.Line, $"workload.{name}", problem)
                : x;
        }

        // Counts become ints in the model: bounded here so that nothing is truncated.
        int Count(string name, int fallback, int min, int max = ScenarioLimits.MaxCount, string? why = null) =>
            checked((int)Long(name, fallback, min, max, why));

        // Whole microseconds, at most an hour (ScenarioLimits.MaxDuration).
        SimSpan Us(string name, long fallback, long min) =>
            SimSpan.FromMicroseconds(Long(name, fallback, min, ScenarioLimits.MaxMicroseconds, "at most one hour"));

        string Text(string name, ScalarValue v) =>
            v.Items is null ? v.Text : throw new ScenarioException(file, v.Line, $"workload.{name}", "expected a single value, not a list");

        switch (spec.Type)
        {
            case "kut-ipi":
                return new KutIpiWorkload { Iterations = Long("iterations", 0, 0, MaxIterations, "0: until the duration ends") };
            case "ipi-bench":
                IpiBenchMode mode = IpiBenchMode.Unicast;
                if (p.TryGetValue("mode", out ScalarValue? m))
                {
                    mode = Text("mode", m) switch
                    {
                        "unicast" => IpiBenchMode.Unicast,
                        "broadcast" => IpiBenchMode.Broadcast,
                        "multicast" => IpiBenchMode.Multicast,
                        _ => throw new ScenarioException(file, m.Line, "workload.mode", $"unknown mode '{m.Text}' (unicast, broadcast or multicast)"),
                    };
                }

                int[]? targets = null;
                if (p.TryGetValue("targets", out ScalarValue? t))
                {
                    if (t.Items is null)
                    {
                        throw new ScenarioException(file, t.Line, "workload.targets", "expected a list of vCPU numbers, for example [1, 2, 3]");
                    }

                    targets = [.. t.Items.Select(s => ValueText.Integer(s, 0, ScenarioLimits.MaxVcpusPerVm - 1, out long c, "a vCPU number") is { } problem
                        ? throw new ScenarioException(file, t.Line, "workload.targets", problem)
                        : (int)c)];
                }

                return new IpiBenchWorkload
                {
                    Mode = mode,
                    SenderCpu = Count("sender", 0, 0, ScenarioLimits.MaxVcpusPerVm - 1, "a vCPU number"),
                    Targets = targets,
                    Iterations = Long("iterations", 0, 0, MaxIterations, "0: until the duration ends"),
                };
            case "cyclictest":
                return new CyclictestWorkload
                {
                    Threads = Count("threads", 1, 1, ScenarioLimits.MaxVcpusPerVm, "one per vCPU"),
                    Interval = Us("interval_us", 1000, 1),
                    Distance = Us("distance_us", 500, 0),
                    Priority = Count("priority", 0, 0, 99, "0 is SCHED_OTHER, 1 to 99 SCHED_FIFO"),
                    Loops = Long("loops", 0, 0, MaxIterations, "0: until the duration ends"),
                };
            case "hackbench":
                return new HackbenchWorkload
                {
                    Groups = Count("groups", 10, 1),
                    Fds = Count("fds", 20, 1),
                    Loops = Count("loops", 100, 1, int.MaxValue),
                    DataSize = Count("datasize", 100, 1, 1 << 30, "bytes per message, at most 1 GiB"),
                };
            case "memcached":
                double setShare = 1.0 / 11.0;
                if (p.TryGetValue("set_ratio", out ScalarValue? ratio))
                {
                    string[] parts = Text("set_ratio", ratio).Split(':');
                    if (parts.Length != 2
                        || ValueText.Integer(parts[0], 0, ScenarioLimits.MaxCount, out long sets) is not null
                        || ValueText.Integer(parts[1], 0, ScenarioLimits.MaxCount, out long gets) is not null
                        || sets + gets == 0)
                    {
                        throw new ScenarioException(file, ratio.Line, "workload.set_ratio",
                            $"'{ratio.Text}' must be SETS:GETS as memtier's --ratio, whole numbers from 0 to {ScenarioLimits.MaxCount}, for example 1:10");
                    }

                    setShare = sets / (double)(sets + gets);
                }

                return new MemcachedWorkload
                {
                    Threads = Count("threads", 4, 1, ScenarioLimits.MaxVcpusPerVm, "at most one per vCPU"),
                    Connections = Count("connections", 200, 1),
                    SetShare = setShare,
                    NetworkOneWay = Us("network_us", 15, 0),
                };
            case "ipi-send":
                return new IpiSendWorkload
                {
                    SenderCpu = Count("sender", 0, 0, ScenarioLimits.MaxVcpusPerVm - 1, "a vCPU number"),
                    TargetCpu = Count("target", 1, 0, ScenarioLimits.MaxVcpusPerVm - 1, "a vCPU number"),
                    Period = Us("period_us", 50, 1),
                    Iterations = Long("iterations", 0, 0, MaxIterations, "0: until the duration ends"),
                };
            case "fio":
                return FioParameters.Create(p, file);
            case "ebizzy":
                return new EbizzyWorkload { Threads = Count("threads", 0, 0, why: "0: two per vCPU") };
            case "pbzip2":
                return new Pbzip2Workload { Threads = Count("threads", 0, 0, why: "0: one per vCPU") };
            case "lock-stress":
                return new LockStressWorkload
                {
                    Locks = Count("locks", 1, 1),
                    Outside = Us("outside_us", 20, 0),
                    Inside = Us("inside_us", 1, 0),
                };
            default:
                throw new ScenarioException($"{file}: workload.type: unknown workload '{spec.Type}' (known: {string.Join(", ", Types)})");
        }
    }
}
