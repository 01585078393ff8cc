using KvmLab.Model.Hardware;

namespace KvmLab.Model.HostOs;

/// <summary>
/// One level of one CPU's sched domain hierarchy (struct sched_domain, kernel/sched/topology.c,
/// v5.10): the CPUs it spans, its groups (the child level's spans), and the balancing state the
/// kernel keeps per CPU per level. The constants are sd_init's.
/// </summary>
public sealed class SchedDomain
{
    internal SchedDomain(string name, int cpu, IReadOnlyList<int> span, IReadOnlyList<IReadOnlyList<int>> groups, int imbalancePct, int cacheNiceTries, bool shareCpuCapacity, bool sharePkgResources, bool preferSiblingChild)
    {
        Name = name;
        Span = span;
        // sd->groups starts with the group holding this CPU and goes round (build_sched_groups
        // links them in a circle from the CPU's own group): the balance's scan order.
        int own = Enumerable.Range(0, groups.Count).First(i => groups[i].Contains(cpu));
        Groups = [.. Enumerable.Range(0, groups.Count).Select(i => groups[(own + i) % groups.Count])];
        ImbalancePct = imbalancePct;
        CacheNiceTries = cacheNiceTries;
        ShareCpuCapacity = shareCpuCapacity;
        SharePkgResources = sharePkgResources;
        PreferSibling = preferSiblingChild;
        BalanceIntervalMs = MinIntervalMs;
    }

    /// <summary>SMT, MC or NUMA.</summary>
    public string Name { get; }

    public IReadOnlyList<int> Span { get; }

    /// <summary>The groups, this CPU's first (sd->groups is the local group).</summary>
    public IReadOnlyList<IReadOnlyList<int>> Groups { get; }

    /// <summary>sd_weight: the CPUs spanned.</summary>
    public int Weight => Span.Count;

    /// <summary>sd_init: min_interval = sd_weight (ms).</summary>
    public int MinIntervalMs => Weight;

    /// <summary>sd_init: max_interval = 2 * sd_weight (ms).</summary>
    public int MaxIntervalMs => 2 * Weight;

    /// <summary>sd_init: busy_factor = 16 (32 before commit 6e7499135db7, "sched/fair: Reduce busy load balance interval", v5.10).</summary>
    public const int BusyFactor = 16;

    /// <summary>
    /// sd_init: 110 for SMT (SD_SHARE_CPUCAPACITY), 117 otherwise (125 before commit 2208cdaa56c9,
    /// "sched/fair: Reduce minimal imbalance threshold", v5.10; the NUMA levels keep the default).
    /// </summary>
    public int ImbalancePct { get; }

    /// <summary>sd_init: 0 for SMT, 1 for MC (SD_SHARE_PKG_RESOURCES), 2 for NUMA.</summary>
    public int CacheNiceTries { get; }

    /// <summary>SD_SHARE_CPUCAPACITY: the SMT level; task_hot is false here (siblings share the caches).</summary>
    public bool ShareCpuCapacity { get; }

    /// <summary>SD_SHARE_PKG_RESOURCES: the LLC levels (SMT and MC).</summary>
    public bool SharePkgResources { get; }

    /// <summary>sds->prefer_sibling: the child level has SD_PREFER_SIBLING (every non-NUMA level in v5.10).</summary>
    public bool PreferSibling { get; }

    /// <summary>sd->balance_interval (ms): min_interval after an imbalance, doubled up to max_interval while balanced.</summary>
    public int BalanceIntervalMs { get; internal set; }

    /// <summary>sd->last_balance, in ns of simulated time.</summary>
    public long LastBalanceNs { get; internal set; }

    /// <summary>sd->nr_balance_failed: periodic/idle balances in a row that found an imbalance and moved nothing.</summary>
    public int NrBalanceFailed { get; internal set; }
}

/// <summary>
/// The sched domains of every CPU (build_sched_domains with the default x86 topology,
/// kernel/sched/topology.c and arch/x86/kernel/smpboot.c x86_topology: SMT, MC, then NUMA),
/// keeping only levels with more than one group (sd_degenerate / cpu_attach_domain drop a level
/// whose span equals its child's). Bottom-up per CPU: index 0 is the lowest level.
/// </summary>
public sealed class SchedDomains
{
    public SchedDomains(CpuTopology topology)
    {
        Topology = topology;
        var perCpu = new IReadOnlyList<SchedDomain>[topology.Pcpus];
        for (int cpu = 0; cpu < topology.Pcpus; cpu++)
        {
            var levels = new List<SchedDomain>();
            List<int> smt = [.. topology.Siblings(cpu).Order()];
            IReadOnlyList<int> mc = topology.SocketCpus(cpu);
            IReadOnlyList<int> all = [.. Enumerable.Range(0, topology.Pcpus)];
            if (smt.Count > 1)
            {
                levels.Add(new SchedDomain("SMT", cpu, smt, [.. smt.Select(c => (IReadOnlyList<int>)[c])], 110, 0, true, true, false));
            }

            // MC groups are cores (the SMT spans), or single CPUs without SMT.
            IReadOnlyList<IReadOnlyList<int>> cores = [.. mc.Select(c => topology.CoreOf(c)).Distinct().Order()
                .Select(core => (IReadOnlyList<int>)[.. topology.Siblings(core)])];
            if (cores.Count > 1)
            {
                levels.Add(new SchedDomain("MC", cpu, mc, cores, 117, 1, false, true, levels.Count > 0));
            }

            if (topology.Sockets > 1)
            {
                IReadOnlyList<IReadOnlyList<int>> sockets = [.. Enumerable.Range(0, topology.Sockets)
                    .Select(s => (IReadOnlyList<int>)[.. all.Where(c => topology.SocketOf(c) == s)])];
                levels.Add(new SchedDomain("NUMA", cpu, all, sockets, 117, 2, false, false, levels.Count > 0));
            }

            perCpu[cpu] = levels;
        }

        Levels = perCpu;
    }

    public CpuTopology Topology { get; }

    /// <summary>Per CPU, its domains bottom-up (for_each_domain order). Empty with a single CPU.</summary>
    public IReadOnlyList<IReadOnlyList<SchedDomain>> Levels { get; }

    /// <summary>sd_llc: the highest level that shares the LLC (MC, or SMT if there is one core per socket), or null.</summary>
    public SchedDomain? Llc(int cpu) => Levels[cpu].LastOrDefault(d => d.SharePkgResources);
}
