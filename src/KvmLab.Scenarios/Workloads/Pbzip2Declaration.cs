using KvmLab.Model.Workloads;

namespace KvmLab.Scenarios.Workloads;

public sealed class Pbzip2Declaration : WorkloadDeclaration
{
    public override string Id => "pbzip2";

    public override string Summary => "pbzip2: producer, one compressing consumer per vCPU, writer, over a bounded queue (blocks/s)";

    public override string Citation => "pbzip2 1.1.13 (queueInit, producer/consumer/fileWriter)";

    public override IReadOnlyList<WorkloadParameter> Parameters { get; } =
    [
        WorkloadParameter.Integer("threads", 0, 0, ScenarioLimits.MaxCount, "compressing consumers (-p; 0: one per vCPU)", "0: one per vCPU"),
    ];

    public override IWorkload Create(WorkloadArgs args) => new Pbzip2Workload { Threads = args.Int("threads") };

    public override IEnumerable<MemoryPart> Memory(IWorkload workload, int vcpus)
    {
        var p = (Pbzip2Workload)workload;
        return [new("threads", (p.Threads > 0 ? p.Threads : vcpus) + 2L, MemoryEstimate.PerGuestTask, "pbzip2 threads")];
    }
}
