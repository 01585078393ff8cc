using KvmLab.Model.Hardware;
using KvmLab.Model.Workloads;

namespace KvmLab.Scenarios.Workloads;

public sealed class IpiSendDeclaration : WorkloadDeclaration
{
    public override string Id => "ipi-send";

    public override string Summary => "the sender's cost of one IPI (rdtsc around apic->send_IPI) to a mostly idle target (cycles)";

    public override string Citation => "ByteDance 2020 (seed pv-ipi-passthrough-timer-bytedance.md): single IPI cost, sender side";

    public override IReadOnlyList<WorkloadParameter> Parameters { get; } =
    [
        WorkloadParameter.Integer("sender", 0, 0, Limits.MaxVcpu, "the sending vCPU", "a vCPU number"),
        WorkloadParameter.Integer("target", 1, 0, Limits.MaxVcpu, "the receiving vCPU", "a vCPU number"),
        WorkloadParameter.Microseconds("period_us", 50, 1, "time between sends"),
        WorkloadParameter.Integer("iterations", 0, 0, Limits.MaxIterations, "sends (0: until the duration ends)", "0: until the duration ends"),
    ];

    public override IWorkload Create(WorkloadArgs args) => new IpiSendWorkload
    {
        SenderCpu = args.Int("sender"),
        TargetCpu = args.Int("target"),
        Period = args.Microseconds("period_us"),
        Iterations = args.Long("iterations"),
    };

    public override WorkloadProblem? FitsVm(IWorkload workload, VmFit vm, CostProfile profile)
    {
        var s = (IpiSendWorkload)workload;
        if (s.SenderCpu >= vm.Vcpus)
        {
            return new WorkloadProblem("sender", $"vCPU {s.SenderCpu} is not in the VM: {OfVm(vm)} (0 to {vm.Vcpus - 1})");
        }

        if (s.TargetCpu >= vm.Vcpus)
        {
            return new WorkloadProblem("target", $"vCPU {s.TargetCpu} is not in the VM: {OfVm(vm)} (0 to {vm.Vcpus - 1})");
        }

        return s.SenderCpu == s.TargetCpu
            ? new WorkloadProblem("target", $"the target must be another vCPU than the sender ({s.SenderCpu})")
            : null;
    }
}
