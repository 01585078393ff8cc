using KvmLab.Scenarios.Workloads;

namespace KvmLab.Scenarios;

/// <summary>
/// How much memory a run will take, from the scenario alone, so that a scenario that cannot fit
/// (hackbench with 100,000,000 groups builds 4 billion guest tasks before its first event) is
/// refused at once instead of growing for minutes. The model allocates its objects when the run
/// is built and almost nothing per event, so the peak is a sum over the things the scenario counts.
/// </summary>
/// <remarks>
/// Calibration: peak resident set (GNU time's %M) of `kvmlab run` (server GC, 2 cores, .NET 10)
/// on 2 ms runs that scale one count at a time, the rest as small as possible:
/// every shipped scenario 45-50 MB; hackbench 1,000 / 10,000 / 100,000 groups x 20 fds
/// (80,000 / 800,000 / 8,000,000 tasks): 64 / 211 / 1,609 MB, 390-405 B per task; ebizzy
/// 100,000 threads +29 MB (290 B each); pbzip2 100,000 consumers +30 MB (300 B); lock-stress
/// 1,000,000 locks +172 MB (172 B); memcached 1,000,000 connections +70 MB (70 B); 65,536 host
/// hogs +23 MB (350 B); one VM of 1,024 vCPUs on 4,096 pCPUs +25 MB (24 KB per vCPU; 4,096 pCPUs
/// alone add nothing measurable); cyclictest 1,024 threads +13 MB over 1 thread (13 KB, the
/// histograms). The coefficients below round those up by a fifth to a half, so the estimate errs
/// high. Checked against the same runs afterwards (estimate / measured peak): kut-ipi 56 / 45 MB,
/// hackbench 10,000 groups 247 / 206 MB and 100,000 groups 1.9 GiB / 1.54 GiB, ebizzy 100,000
/// threads 104 / 72 MB, 1,000,000 locks 266 / 214 MB, 1,000,000 connections 151 / 118 MB,
/// 1,024 vCPUs with 1,024 cyclictest threads 106 / 83 MB, 4 VMs x 256 vCPUs 87 / 51 MB, 65,536 host
/// hogs 84 / 66 MB. A trace is streamed to its file (1 MiB buffer) and adds no memory.
/// </remarks>
public static class MemoryEstimate
{
    /// <summary>The runtime, the model's code and a small host (the smallest shipped scenario's 45 MB, rounded up).</summary>
    public const long BaseBytes = 56L << 20;

    public const long PerVcpu = 30 << 10;
    public const long PerPcpu = 1 << 10;
    public const long PerGuestTask = 500;
    public const long PerLock = 220;
    public const long PerConnection = 100;
    public const long PerHostThread = 450;

    /// <summary>The default limit: a quarter of a 16 GiB workstation, and 80 times the largest shipped scenario. Raise it with --max-memory.</summary>
    public const long DefaultLimitBytes = 4L << 30;

    /// <summary>The estimate in bytes and its parts, largest first (key, bytes, how it was counted).</summary>
    public static (long Bytes, IReadOnlyList<(string Key, long Bytes, string Why)> Parts) Of(ScenarioSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var parts = new List<(string Key, long Bytes, string Why)>();
        void Add(string key, long count, long each, string what)
        {
            if (count > 0)
            {
                parts.Add((key, count * each, $"{count} {what}, about {ByteSize.Format(each)} each"));
            }
        }

        long vcpus = spec.Vms.Sum(v => (long)v.Vcpus);
        Add(spec.Vms.Count == 1 ? "vms[0].vcpus" : "vms", vcpus, PerVcpu, "vCPUs");
        Add("machine.pcpus", spec.Machine.Pcpus, PerPcpu, "pCPUs");
        Add("machine.host_hogs", spec.Machine.HostHogs, PerHostThread, "host threads");
        string file = spec.Source?.File ?? spec.Name;
        foreach (WorkloadSpec w in spec.AllWorkloads)
        {
            int n = w.Vm >= 0 && w.Vm < spec.Vms.Count ? spec.Vms[w.Vm].Vcpus : 1;
            WorkloadDeclaration d = WorkloadFactory.Declaration(w, file);
            foreach (MemoryPart part in d.Memory(d.Create(new WorkloadArgs(d, w.Parameters, file, w.Key)), n))
            {
                Add(w.Key + "." + part.Key, part.Count, part.EachBytes, part.What);
            }
        }

        parts.Sort((a, b) => b.Bytes.CompareTo(a.Bytes));
        return (BaseBytes + parts.Sum(p => p.Bytes), parts);
    }

    /// <summary>Throws "file:line: key: ..." naming the largest part when the estimate is over <paramref name="limitBytes"/>.</summary>
    public static void Check(ScenarioSpec spec, long limitBytes)
    {
        var (bytes, parts) = Of(spec);
        if (bytes <= limitBytes)
        {
            return;
        }

        (string key, long _, string why) = parts.Count > 0 ? parts[0] : ("scenario", 0L, "the base");
        string problem = $"the run needs about {ByteSize.Format(bytes)} of memory ({why}), more than the limit of {ByteSize.Format(limitBytes)}; "
            + $"make it smaller or raise the limit, for example --max-memory {Suggest(bytes)}";
        throw new ScenarioProblem(key, problem).ToException(spec);
    }

    /// <summary>A --max-memory value a quarter above the estimate, in whole units (12G, 700M).</summary>
    private static string Suggest(long bytes)
    {
        double want = bytes * 1.25;
        (string Unit, double Size)[] units = [("T", 1L << 40), ("G", 1L << 30), ("M", 1L << 20)];
        foreach (var (unit, size) in units)
        {
            if (want >= size)
            {
                return Math.Ceiling(want / size).ToString(System.Globalization.CultureInfo.InvariantCulture) + unit;
            }
        }

        return "1M";
    }
}
