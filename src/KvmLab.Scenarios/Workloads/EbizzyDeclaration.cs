using KvmLab.Model.Workloads;

namespace KvmLab.Scenarios.Workloads;

public sealed class EbizzyDeclaration : WorkloadDeclaration
{
    public override string Id => "ebizzy";

    public override string Summary => "ebizzy -M: threads copy, search and free 512 KiB chunks; heap trims shoot down TLBs (records/s)";

    public override string Citation => "LTP utils/benchmark/ebizzy-0.3 (ebizzy -M)";

    public override IReadOnlyList<WorkloadParameter> Parameters { get; } =
    [
        WorkloadParameter.Integer("threads", 0, 0, ScenarioLimits.MaxCount, "threads (-t; 0: two per vCPU)", "0: two per vCPU"),
    ];

    public override IWorkload Create(WorkloadArgs args) => new EbizzyWorkload { Threads = args.Int("threads") };

    public override IEnumerable<MemoryPart> Memory(IWorkload workload, int vcpus)
    {
        var e = (EbizzyWorkload)workload;
        return [new("threads", e.Threads > 0 ? e.Threads : 2L * vcpus, MemoryEstimate.PerGuestTask, "ebizzy threads")];
    }
}
