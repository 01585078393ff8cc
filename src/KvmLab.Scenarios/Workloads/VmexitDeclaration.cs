using KvmLab.Model.Hardware;
using KvmLab.Model.Workloads;

namespace KvmLab.Scenarios.Workloads;

public sealed class VmexitDeclaration : WorkloadDeclaration
{
    private static readonly string[] Devices =
        ["no-eventfd", "wildcard-eventfd", "datamatch-eventfd",
         "portio-no-eventfd", "portio-wildcard-eventfd", "portio-datamatch-eventfd",
         "mmio-no-eventfd", "mmio-wildcard-eventfd", "mmio-datamatch-eventfd"];

    public override string Id => "vmexit";

    public override string Summary => "kvm-unit-tests vmexit.flat: one test's loop, doubled until a round takes 2^30 TSC cycles (cycles per iteration)";

    public override string Citation => "kvm-unit-tests x86/vmexit.c (do_test, tests[]), QEMU hw/misc/pci-testdev.c for pci-mem/pci-io";

    public override IReadOnlyList<WorkloadParameter> Parameters { get; } =
    [
        WorkloadParameter.Choice("test", "the vmexit.c test to run (default vmcall)", [.. VmexitTests.ByName.Keys]),
        WorkloadParameter.Choice("device", "pci-mem / pci-io: the pci-testdev test (default no-eventfd)", Devices),
        WorkloadParameter.Choice("tpr_shadow", "mov_from_cr8 / mov_to_cr8: VMX TPR shadow on (default, KVM uses it when the CPU has it) or off (CR8 accesses exit)", "on", "off"),
        WorkloadParameter.Integer("goal_cycles", 1L << 30, 1000, 1L << 40, "vmexit.c's GOAL: a round must take this many TSC cycles", "a round shorter than a few exits measures nothing; 2^40 cycles is minutes of simulated time"),
    ];

    public override IWorkload Create(WorkloadArgs args)
    {
        string test = args.Choice("test") ?? "vmcall";
        PciTestdevKind device = PciTestdevKind.NoEventfd;
        if (args.Choice("device") is { } d && !VmexitTests.TryDevice(d, out device))
        {
            throw args.Error("device", $"unknown pci-testdev test '{d}'");
        }

        return new VmexitWorkload
        {
            Test = VmexitTests.ByName[test],
            Device = device,
            TprShadow = args.Choice("tpr_shadow") != "off",
            GoalCycles = args.Long("goal_cycles"),
        };
    }

    public override WorkloadProblem? FitsVm(IWorkload workload, VmFit vm, CostProfile profile)
    {
        var w = (VmexitWorkload)workload;
        return VmexitTests.NeedsSmp(w.Test) && vm.Vcpus < 2
            ? new WorkloadProblem("vcpus", $"vmexit {w.Test} needs a VM with at least 2 vCPUs (is_smp); {OfVm(vm)}")
            : null;
    }
}
