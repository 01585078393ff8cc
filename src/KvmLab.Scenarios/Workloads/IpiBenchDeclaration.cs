using KvmLab.Model.Hardware;
using KvmLab.Model.Workloads;

namespace KvmLab.Scenarios.Workloads;

public sealed class IpiBenchDeclaration : WorkloadDeclaration
{
    public override string Id => "ipi-bench";

    public override string Summary => "IPI benchmark module (Norov 2017): smp_call_function with wait, unicast/broadcast/multicast (latency)";

    public override string Citation => "Yury Norov, \"lib: add IPI benchmark\" (lkml, Dec 2017)";

    public override IReadOnlyList<WorkloadParameter> Parameters { get; } =
    [
        WorkloadParameter.Choice("mode", "unicast (to one vCPU), broadcast (to every other) or multicast (to 'targets')", "unicast", "broadcast", "multicast"),
        WorkloadParameter.Integer("sender", 0, 0, Limits.MaxVcpu, "the sending vCPU", "a vCPU number"),
        WorkloadParameter.List("targets", 0, Limits.MaxVcpu, "multicast destinations", "a vCPU number"),
        WorkloadParameter.Integer("iterations", 0, 0, Limits.MaxIterations, "calls to run (0: until the duration ends)", "0: until the duration ends"),
    ];

    public override IWorkload Create(WorkloadArgs args) => new IpiBenchWorkload
    {
        Mode = args.Choice("mode") switch
        {
            "broadcast" => IpiBenchMode.Broadcast,
            "multicast" => IpiBenchMode.Multicast,
            _ => IpiBenchMode.Unicast,
        },
        SenderCpu = args.Int("sender"),
        Targets = args.List("targets") is { } t ? [.. t] : null,
        Iterations = args.Long("iterations"),
    };

    public override WorkloadProblem? FitsVm(IWorkload workload, VmFit vm, CostProfile profile)
    {
        var b = (IpiBenchWorkload)workload;
        if (vm.Vcpus < 2)
        {
            return new WorkloadProblem("vcpus", $"ipi-bench needs a VM with at least 2 vCPUs; {OfVm(vm)}");
        }

        if (b.SenderCpu >= vm.Vcpus)
        {
            return new WorkloadProblem("sender", $"vCPU {b.SenderCpu} is not in the VM: {OfVm(vm)} (0 to {vm.Vcpus - 1})");
        }

        if (b.Targets is not { } targets)
        {
            return null;
        }

        if (b.Mode != IpiBenchMode.Multicast)
        {
            string who = b.Mode == IpiBenchMode.Unicast ? "unicast sends to vCPU " + (b.SenderCpu == 0 ? 1 : 0) : "broadcast sends to every other vCPU";
            return new WorkloadProblem("targets", $"targets are read in multicast mode only ({who}); set 'mode: multicast' or remove them");
        }

        if (targets.Count == 0)
        {
            return new WorkloadProblem("targets", "a multicast needs at least one target");
        }

        var seen = new HashSet<int>();
        foreach (int t in targets)
        {
            if (t >= vm.Vcpus)
            {
                return new WorkloadProblem("targets", $"vCPU {t} is not in the VM: {OfVm(vm)} (0 to {vm.Vcpus - 1})");
            }

            if (t == b.SenderCpu)
            {
                return new WorkloadProblem("targets", $"vCPU {t} is the sender; list the other vCPUs");
            }

            if (!seen.Add(t))
            {
                return new WorkloadProblem("targets", $"vCPU {t} is listed twice");
            }
        }

        return null;
    }
}
