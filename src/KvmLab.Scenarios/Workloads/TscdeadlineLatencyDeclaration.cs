using KvmLab.Model.Workloads;

namespace KvmLab.Scenarios.Workloads;

public sealed class TscdeadlineLatencyDeclaration : WorkloadDeclaration
{
    public override string Id => "tscdeadline-latency";

    public override string Summary => "kvm-unit-tests tscdeadline_latency.flat: the TSC-deadline timer re-armed from its ISR, cycles from deadline to ISR";

    public override string Citation => "kvm-unit-tests x86/tscdeadline_latency.c (tsc_deadline_timer_isr, main's safe_halt loop)";

    public override IReadOnlyList<WorkloadParameter> Parameters { get; } =
    [
        WorkloadParameter.Integer("delta", 200_000, 1000, 1_000_000_000, "argv[1]: TSC cycles from one expiry to the next deadline", "under 1000 cycles the next deadline passes inside the ISR's own exit"),
        WorkloadParameter.Integer("size", 10_000, 1, 10_000, "argv[2]: samples to take", "the test's table holds TABLE_SIZE = 10000"),
    ];

    public override IWorkload Create(WorkloadArgs args) => new TscdeadlineLatencyWorkload { DeltaCycles = args.Long("delta"), Size = args.Long("size") };
}
