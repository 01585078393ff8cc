using KvmLab.Model.Hardware;
using KvmLab.Model.Workloads;

namespace KvmLab.Scenarios.Workloads;

public sealed class KutIpiDeclaration : WorkloadDeclaration
{
    public override string Id => "kut-ipi";

    public override string Summary => "kvm-unit-tests x86/vmexit.c 'ipi': on_cpu(1, nop) in a loop, target halted (cycles per IPI)";

    public override string Citation => "kvm-unit-tests x86/vmexit.c (test 'ipi'), x86/cstart64.S (APs in hlt; jmp)";

    public override IReadOnlyList<WorkloadParameter> Parameters { get; } =
    [
        WorkloadParameter.Integer("iterations", 0, 0, Limits.MaxIterations, "IPI round trips to run (0: until the duration ends)", "0: until the duration ends"),
    ];

    public override IWorkload Create(WorkloadArgs args) => new KutIpiWorkload { Iterations = args.Long("iterations") };

    public override WorkloadProblem? FitsVm(IWorkload workload, VmFit vm, CostProfile profile) =>
        vm.Vcpus < 2 ? new WorkloadProblem("vcpus", $"kut-ipi needs a VM with at least 2 vCPUs; {OfVm(vm)}") : null;
}
