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

    public static IWorkload Create(WorkloadSpec spec, string file = "<scenario>")
    {
        var p = spec.Parameters;
        long Long(string name, long fallback, long min)
        {
            if (!p.TryGetValue(name, out ScalarValue? v))
            {
                return fallback;
            }

            if (!long.TryParse(v.Text, NumberStyles.Integer, CultureInfo.InvariantCulture, out long x) || x < min)
            {
                throw new ScenarioException(file, v.Line, $"workload.{name}", $"'{v.Text}' must be a whole number of at least {min}");
            }

            return x;
        }

        switch (spec.Type)
        {
            case "kut-ipi":
                return new KutIpiWorkload { Iterations = Long("iterations", 0, 0) };
            case "ipi-bench":
                IpiBenchMode mode = IpiBenchMode.Unicast;
                if (p.TryGetValue("mode", out ScalarValue? m))
                {
                    mode = m.Text switch
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

                    targets = [.. t.Items.Select(s => int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out int c) && c >= 0
                        ? c
                        : throw new ScenarioException(file, t.Line, "workload.targets", $"'{s}' is not a vCPU number"))];
                }

                return new IpiBenchWorkload
                {
                    Mode = mode,
                    SenderCpu = (int)Long("sender", 0, 0),
                    Targets = targets,
                    Iterations = Long("iterations", 0, 0),
                };
            case "cyclictest":
                return new CyclictestWorkload
                {
                    Threads = (int)Long("threads", 1, 1),
                    Interval = SimSpan.FromMicroseconds(Long("interval_us", 1000, 1)),
                    Distance = SimSpan.FromMicroseconds(Long("distance_us", 500, 0)),
                    Priority = (int)Math.Min(99, Long("priority", 0, 0)),
                    Loops = Long("loops", 0, 0),
                };
            case "hackbench":
                return new HackbenchWorkload
                {
                    Groups = (int)Long("groups", 10, 1),
                    Fds = (int)Long("fds", 20, 1),
                    Loops = (int)Long("loops", 100, 1),
                    DataSize = (int)Long("datasize", 100, 1),
                };
            case "memcached":
                double setShare = 1.0 / 11.0;
                if (p.TryGetValue("set_ratio", out ScalarValue? ratio))
                {
                    string[] parts = ratio.Text.Split(':');
                    if (parts.Length != 2
                        || !int.TryParse(parts[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out int sets)
                        || !int.TryParse(parts[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out int gets)
                        || sets < 0 || gets < 0 || sets + gets == 0)
                    {
                        throw new ScenarioException(file, ratio.Line, "workload.set_ratio", $"'{ratio.Text}' must be SETS:GETS as memtier's --ratio, for example 1:10");
                    }

                    setShare = sets / (double)(sets + gets);
                }

                return new MemcachedWorkload
                {
                    Threads = (int)Long("threads", 4, 1),
                    Connections = (int)Long("connections", 200, 1),
                    SetShare = setShare,
                    NetworkOneWay = SimSpan.FromMicroseconds(Long("network_us", 15, 0)),
                };
            case "ipi-send":
                return new IpiSendWorkload
                {
                    SenderCpu = (int)Long("sender", 0, 0),
                    TargetCpu = (int)Long("target", 1, 0),
                    Period = SimSpan.FromMicroseconds(Long("period_us", 50, 1)),
                    Iterations = Long("iterations", 0, 0),
                };
            case "fio":
                return FioParameters.Create(p, file);
            case "ebizzy":
                return new EbizzyWorkload { Threads = (int)Long("threads", 0, 0) };
            case "pbzip2":
                return new Pbzip2Workload { Threads = (int)Long("threads", 0, 0) };
            case "lock-stress":
                return new LockStressWorkload
                {
                    Locks = (int)Long("locks", 1, 1),
                    Outside = SimSpan.FromMicroseconds(Long("outside_us", 20, 0)),
                    Inside = SimSpan.FromMicroseconds(Long("inside_us", 1, 0)),
                };
            default:
                throw new ScenarioException($"{file}: unknown workload '{spec.Type}'");
        }
    }
}
