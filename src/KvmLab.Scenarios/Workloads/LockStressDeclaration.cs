using KvmLab.Model.Workloads;

namespace KvmLab.Scenarios.Workloads;

public sealed class LockStressDeclaration : WorkloadDeclaration
{
    public override string Id => "lock-stress";

    public override string Summary => "kernel spinlock loop on shared locks, one thread per vCPU (acquisitions/s)";

    public override string Citation => "a synthetic kernel-lock loop (MECHANISMS.md section 6): lock-holder and lock-waiter preemption made plain";

    public override IReadOnlyList<WorkloadParameter> Parameters { get; } =
    [
        WorkloadParameter.Integer("locks", 1, 1, ScenarioLimits.MaxCount, "locks shared by the threads (thread i takes lock i mod locks)"),
        WorkloadParameter.Microseconds("outside_us", 20, 0, "kernel work between critical sections"),
        WorkloadParameter.Microseconds("inside_us", 1, 0, "time holding the lock"),
    ];

    public override IWorkload Create(WorkloadArgs args) => new LockStressWorkload
    {
        Locks = args.Int("locks"),
        Outside = args.Microseconds("outside_us"),
        Inside = args.Microseconds("inside_us"),
    };

    public override IEnumerable<MemoryPart> Memory(IWorkload workload, int vcpus) =>
        [new("locks", ((LockStressWorkload)workload).Locks, MemoryEstimate.PerLock, "locks")];
}
