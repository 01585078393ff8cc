using KvmLab.Model.Hardware;
using KvmLab.Model.Workloads;

namespace KvmLab.Scenarios.Workloads;

public sealed class HackbenchDeclaration : WorkloadDeclaration
{
    public override string Id => "hackbench";

    public override string Summary => "rt-tests hackbench: groups of senders and receivers on socketpairs (time, messages/s)";

    public override string Citation => "rt-tests v2.1 src/hackbench/hackbench.c";

    public override IReadOnlyList<WorkloadParameter> Parameters { get; } =
    [
        WorkloadParameter.Integer("groups", 10, 1, ScenarioLimits.MaxCount, "groups of senders and receivers (-g)"),
        WorkloadParameter.Integer("fds", 20, 1, ScenarioLimits.MaxCount, "senders and receivers per group (-f)"),
        WorkloadParameter.Integer("loops", 100, 1, int.MaxValue, "messages per sender (-l)"),
        WorkloadParameter.Integer("datasize", 100, 1, 1 << 30, "bytes per message (-s)", "bytes per message, at most 1 GiB"),
    ];

    public override IWorkload Create(WorkloadArgs args) => new HackbenchWorkload
    {
        Groups = args.Int("groups"),
        Fds = args.Int("fds"),
        Loops = args.Int("loops"),
        DataSize = args.Int("datasize"),
    };

    public override WorkloadProblem? FitsVm(IWorkload workload, VmFit vm, CostProfile profile)
    {
        var h = (HackbenchWorkload)workload;
        if ((long)h.Groups * h.Fds * 2 > int.MaxValue)
        {
            return new WorkloadProblem("groups", $"{h.Groups} groups x {h.Fds} fds x 2 = {(long)h.Groups * h.Fds * 2} tasks is more than {int.MaxValue}");
        }

        return (long)h.Fds * h.Loops > int.MaxValue
            ? new WorkloadProblem("loops", $"{h.Fds} fds x {h.Loops} loops = {(long)h.Fds * h.Loops} messages per receiver is more than {int.MaxValue}")
            : null;
    }

    public override IEnumerable<MemoryPart> Memory(IWorkload workload, int vcpus)
    {
        var h = (HackbenchWorkload)workload;
        return [new("groups", (long)h.Groups * h.Fds * 2, MemoryEstimate.PerGuestTask, $"guest tasks for {h.Groups} groups x {h.Fds} fds x 2")];
    }
}
