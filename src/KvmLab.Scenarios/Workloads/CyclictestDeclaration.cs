using KvmLab.Model.Hardware;
using KvmLab.Model.Workloads;

namespace KvmLab.Scenarios.Workloads;

public sealed class CyclictestDeclaration : WorkloadDeclaration
{
    /// <summary>Bytes per measurement thread: its task and its histograms (MemoryEstimate's calibration).</summary>
    private const long PerHistogramThread = 16 << 10;

    public override string Id => "cyclictest";

    public override string Summary => "rt-tests cyclictest: clock_nanosleep periodic threads, wake-up latency min/avg/p99/max (us)";

    public override string Citation => "rt-tests v2.1 src/cyclictest/cyclictest.c";

    public override IReadOnlyList<WorkloadParameter> Parameters { get; } =
    [
        WorkloadParameter.Integer("threads", 1, 1, ScenarioLimits.MaxVcpusPerVm, "measurement threads, thread i on vCPU i (-t)", "one per vCPU"),
        WorkloadParameter.Microseconds("interval_us", 1000, 1, "the base interval (-i)"),
        WorkloadParameter.Microseconds("distance_us", 500, 0, "added per thread (-d)"),
        WorkloadParameter.Integer("priority", 0, 0, 99, "SCHED_FIFO priority; 0 keeps SCHED_OTHER (-p)", "0 is SCHED_OTHER, 1 to 99 SCHED_FIFO"),
        WorkloadParameter.Integer("loops", 0, 0, Limits.MaxIterations, "loops per thread (-l; 0: until the duration ends)", "0: until the duration ends"),
    ];

    public override IWorkload Create(WorkloadArgs args) => new CyclictestWorkload
    {
        Threads = args.Int("threads"),
        Interval = args.Microseconds("interval_us"),
        Distance = args.Microseconds("distance_us"),
        Priority = args.Int("priority"),
        Loops = args.Long("loops"),
    };

    public override WorkloadProblem? FitsVm(IWorkload workload, VmFit vm, CostProfile profile) =>
        workload is CyclictestWorkload c && c.Threads > vm.Vcpus
            ? new WorkloadProblem("threads", $"{c.Threads} measurement threads, one per vCPU, but {OfVm(vm)}")
            : null;

    public override IEnumerable<MemoryPart> Memory(IWorkload workload, int vcpus) =>
        [new("threads", ((CyclictestWorkload)workload).Threads, PerHistogramThread, "measurement threads and their histograms")];
}
