using KvmLab.Engine.Stats;
using KvmLab.Engine.Time;
using KvmLab.Model.Guest;
using KvmLab.Model.Kvm;

namespace KvmLab.Model.Workloads;

/// <summary>
/// kvm-unit-tests x86/tscdeadline_latency.c: the TSC-deadline timer re-armed from its own ISR.
/// The ISR reads rdtsc, records now - exptime (skipping the first hit), sets exptime = now +
/// delta, writes IA32_TSC_DEADLINE and EOIs; the main loop halts (safe_halt) until the table
/// holds <see cref="Size"/> samples. Latencies are TSC cycles from the programmed deadline to the
/// ISR's rdtsc: what KVM's timer emulation, the halted vCPU's wakeup and the interrupt delivery
/// add (and lapic_timer_advance_ns hides).
/// </summary>
public sealed class TscdeadlineLatencyWorkload : IWorkload
{
    private LatencyHistogram? _latency;
    private long _hits;
    private long _recorded;
    private SimTime _expires;
    private double _sumCycles;
    private double _min = double.MaxValue;
    private double _max = double.MinValue;

    /// <summary>The test's first argument, delta in TSC cycles (argv[1]).</summary>
    public long DeltaCycles { get; init; } = 200_000;

    /// <summary>Samples to take, at most TABLE_SIZE = 10000 (argv[2]).</summary>
    public long Size { get; init; } = 10_000;

    /// <summary>The ISR's own instructions before rdtsc and around the WRMSR. ESTIMATE: ~10 cycles.</summary>
    public SimSpan IsrBody { get; init; } = SimSpan.FromNanoseconds(4);

    public string Id => "tscdeadline-latency";

    public string PrimaryMetric => "mean";

    public bool Finished => _recorded >= Size;

    public void Install(HostContext host, Vm vm)
    {
        GuestKernel k = vm.Guest;
        _latency = host.Metrics.Histogram("tscdeadline_latency");
        double ghz = host.Costs.TscGhz;
        SimSpan delta = SimSpan.FromNanoseconds(DeltaCycles / ghz);
        k.SetVectorHandler(Vectors.LocalTimer, (cpu, iret) =>
        {
            SimTime now = k.Now;
            _hits++;
            if (_hits > 1 && _recorded < Size)
            {
                double cycles = (now - _expires).Ns * ghz;
                _recorded++;
                _sumCycles += cycles;
                _min = Math.Min(_min, cycles);
                _max = Math.Max(_max, cycles);
                _latency.Record(Math.Max(0, (now - _expires).Ns));
            }

            _expires = now + delta;
            cpu.Compute(IsrBody, () =>
                cpu.ExitingInstruction(ExitReason.MsrWrite, MsrIndex.TscDeadline, default, () => k.Eoi(cpu, iret), _expires.Ns));
        });
        k.AddTask(new GuestTask("tscdeadline_latency", 0, Program(k, delta)));
    }

    private IEnumerable<GuestOp> Program(GuestKernel k, SimSpan delta)
    {
        // start_tsc_deadline_timer: wrmsr(MSR_IA32_TSCDEADLINE, rdmsr(MSR_IA32_TSC) + delta).
        yield return GuestOp.Run((cpu, then) =>
        {
            _expires = k.Now + delta;
            cpu.ExitingInstruction(ExitReason.MsrWrite, MsrIndex.TscDeadline, default, then, _expires.Ns);
        });
        while (_recorded < Size)
        {
            yield return GuestOp.Run((cpu, then) => cpu.Halt(then));
        }
    }

    public IReadOnlyList<WorkloadMetric> Report(HostContext host) =>
    [
        new("mean", _recorded == 0 ? 0 : _sumCycles / _recorded, "cycles"),
        new("min", _recorded == 0 ? 0 : _min, "cycles"),
        new("max", _recorded == 0 ? 0 : _max, "cycles"),
        new("hits", _recorded, "count"),
    ];
}
