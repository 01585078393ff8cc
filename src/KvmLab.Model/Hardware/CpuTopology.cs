namespace KvmLab.Model.Hardware;

/// <summary>
/// Which CPUs share a core (SMT siblings) and a socket (one LLC and one NUMA node each). The
/// numbering is the one Linux gives a multi-socket Intel host (CPUs enumerated from the ACPI MADT,
/// first thread of every core first, socket by socket, then the second threads in the same
/// order), so with 2 threads per core CPU i and i + Pcpus/2 are siblings, and with 2 sockets of
/// C cores CPUs 0..C-1 are socket 0's first threads (lscpu: "NUMA node0 CPU(s): 0-19,40-59").
/// </summary>
public sealed record CpuTopology
{
    public CpuTopology(int pcpus, int sockets = 1, int threadsPerCore = 1)
    {
        if (Problem(pcpus, sockets, threadsPerCore) is { } problem)
        {
            throw new ArgumentException(problem);
        }

        Pcpus = pcpus;
        Sockets = sockets;
        ThreadsPerCore = threadsPerCore;
    }

    public int Pcpus { get; }

    public int Sockets { get; }

    public int ThreadsPerCore { get; }

    /// <summary>Cores over all sockets.</summary>
    public int Cores => Pcpus / ThreadsPerCore;

    public int CoresPerSocket => Cores / Sockets;

    /// <summary>The core (0 .. Cores-1) a CPU is a thread of.</summary>
    public int CoreOf(int cpu) => cpu % Cores;

    /// <summary>Which thread of its core a CPU is (0 .. ThreadsPerCore-1).</summary>
    public int ThreadOf(int cpu) => cpu / Cores;

    public int SocketOf(int cpu) => CoreOf(cpu) / CoresPerSocket;

    /// <summary>cpu_smt_mask: the CPUs of this CPU's core, ascending (itself included).</summary>
    public IReadOnlyList<int> Siblings(int cpu) => [.. Enumerable.Range(0, ThreadsPerCore).Select(t => (t * Cores) + CoreOf(cpu))];

    /// <summary>cpu_coregroup_mask: the CPUs of this CPU's socket (its LLC), ascending.</summary>
    public IReadOnlyList<int> SocketCpus(int cpu) => [.. Enumerable.Range(0, Pcpus).Where(c => SocketOf(c) == SocketOf(cpu))];

    /// <summary>cpus_share_cache: the same LLC, which here is the same socket.</summary>
    public bool SharesCache(int a, int b) => SocketOf(a) == SocketOf(b);

    public static string? Problem(int pcpus, int sockets, int threadsPerCore)
    {
        if (sockets < 1 || threadsPerCore < 1)
        {
            return $"sockets ({sockets}) and threads per core ({threadsPerCore}) must be at least 1";
        }

        if (pcpus % (sockets * threadsPerCore) != 0)
        {
            return $"{pcpus} pCPUs do not split into {sockets} socket(s) of cores with {threadsPerCore} thread(s) each: "
                + $"pcpus must be a multiple of sockets x threads_per_core ({sockets * threadsPerCore})";
        }

        return null;
    }
}
