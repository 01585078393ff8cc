using System.Globalization;
using KvmLab.Model.Workloads;

namespace KvmLab.Scenarios;

/// <summary>Turns a workload spec into a workload, checking each parameter with its line.</summary>
public static class WorkloadFactory
{
    public static IReadOnlyList<string> Types { get; } = ["kut-ipi", "ipi-bench", "fio"];

    public static IReadOnlyList<string> ParametersOf(string type) => type switch
    {
        "kut-ipi" => ["iterations"],
        "ipi-bench" => ["mode", "sender", "targets", "iterations"],
        "fio" => FioParameters.Names,
        _ => [],
    };

    public static string Describe(string type) => type switch
    {
        "kut-ipi" => "kvm-unit-tests x86/vmexit.c 'ipi': on_cpu(1, nop) in a loop, target halted (cycles per IPI)",
        "ipi-bench" => "IPI benchmark module (Norov 2017): smp_call_function with wait, unicast/broadcast/multicast (latency)",
        "fio" => FioParameters.Description,
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
            case "fio":
                return FioParameters.Create(p, file);
            default:
                throw new ScenarioException($"{file}: unknown workload '{spec.Type}'");
        }
    }
}
