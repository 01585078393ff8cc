namespace KvmLab.Model.Hardware;

/// <summary>The physical machine a scenario runs on.</summary>
public sealed record MachineSpec
{
    public int Pcpus { get; init; } = 4;

    /// <summary>Host timer frequency (CONFIG_HZ); drives the CFS tick when a CPU is contended.</summary>
    public int HostHz { get; init; } = 250;

    /// <summary>
    /// nohz_full on every CPU: a CPU running one task stops its tick. Off (the default) is
    /// CONFIG_NO_HZ_IDLE: every busy CPU takes HostHz ticks, and a vCPU in guest mode exits for each.
    /// </summary>
    public bool NohzFull { get; init; }

    /// <summary>CPU-bound host threads (unpinned) competing with the vCPU threads.</summary>
    public int HostHogs { get; init; }

    /// <summary>
    /// Sockets (one NUMA node and one last-level cache each). With more than one the host's sched
    /// domains get a NUMA level (<see cref="CpuTopology"/>). Pcpus must be a multiple of
    /// Sockets x ThreadsPerCore.
    /// </summary>
    public int Sockets { get; init; } = 1;

    /// <summary>Hardware threads per core (2 with Hyper-Threading): with 2 the host's sched domains get an SMT level.</summary>
    public int ThreadsPerCore { get; init; } = 1;

    /// <summary>
    /// CFS load balancing (kernel/sched/fair.c, v5.10): periodic, newidle and nohz idle balance
    /// move runnable threads between CPUs and wake-ups choose a CPU with select_task_rq_fair. On by
    /// default, as in Linux; off is the earlier model (threads move only when they wake: stay if
    /// the last CPU is idle, else the lowest idle CPU). Pinned threads never move either way.
    /// </summary>
    public bool LoadBalance { get; init; } = true;

    /// <summary>The CPU numbering and the cache/NUMA sharing of this machine.</summary>
    public CpuTopology Topology => new(Pcpus, Sockets, ThreadsPerCore);

    /// <summary>Null if the topology is consistent, else a sentence saying what is wrong.</summary>
    public string? TopologyProblem() => CpuTopology.Problem(Pcpus, Sockets, ThreadsPerCore);
}
