using KvmLab.Engine.Stats;
using KvmLab.Engine.Time;
using KvmLab.Model.Guest;
using KvmLab.Model.Kvm;

namespace KvmLab.Model.Workloads;

/// <summary>
/// kvm-unit-tests x86/vmexit.c "ipi": vCPU 0 calls on_cpu(1, nop, 0) in a loop — one fixed
/// physical IPI on vector 0x20, then a spin on ipi_done — while vCPU 1 sits in "hlt; jmp 1b".
/// The handler on vCPU 1 runs nop, sets ipi_done, writes EOI and returns to HLT
/// (lib/x86/smp.c, x86/cstart64.S at kvm-unit-tests ac54015fde81). The test prints the mean
/// TSC cycles per iteration; so does this workload.
/// </summary>
public sealed class KutIpiWorkload : IWorkload
{
    private LatencyHistogram? _rounds;
    private long _done;

    /// <summary>Iterations to run; 0 means until the scenario's duration ends.</summary>
    public long Iterations { get; init; }

    /// <summary>
    /// Sender-side work per iteration besides the IPI: two rdtsc, spin_lock/unlock, the
    /// atomic_inc and stores in __on_cpu, mb() before WRMSR. ESTIMATE: ~150 cycles at 2.5 GHz.
    /// </summary>
    public SimSpan SenderLoopOverhead { get; init; } = SimSpan.FromNanoseconds(60);

    /// <summary>Handler body on the target: loads, the nop call, atomic_dec, the ipi_done store. ESTIMATE: ~100 cycles.</summary>
    public SimSpan HandlerBody { get; init; } = SimSpan.FromNanoseconds(40);

    public string Id => "kut-ipi";

    public string PrimaryMetric => "cycles_per_ipi";

    public bool Finished => Iterations > 0 && _done >= Iterations;

    private HostContext? _host;

    public void Install(HostContext host, Vm vm)
    {
        _host = host;
        if (vm.Vcpus.Count < 2)
        {
            throw new InvalidOperationException("kut-ipi needs a VM with at least 2 vCPUs.");
        }

        _rounds = host.Metrics.Histogram("ipi_round");
        GuestKernel k = vm.Guest;
        k.SetVectorHandler(Vectors.KutIpi, (cpu, iret) =>
            cpu.Compute(HandlerBody, () =>
            {
                k.TakeKutDoneFlag(cpu.Id)?.Signal();
                k.Eoi(cpu, iret);
            }));
        k.AddTask(new GuestTask("vmexit/ipi", 0, Program(k)));
    }

    private IEnumerable<GuestOp> Program(GuestKernel k)
    {
        while (Iterations == 0 || _done < Iterations)
        {
            SimTime start = k.Now;
            yield return GuestOp.Compute(SenderLoopOverhead);
            yield return GuestOp.KutOnCpu(1);
            if (_host!.Measuring)
            {
                _rounds!.Record((k.Now - start).Ns);
            }

            _done++;
        }
    }

    public IReadOnlyList<WorkloadMetric> Report(HostContext host)
    {
        var r = _rounds!;
        double ghz = host.Costs.TscGhz;
        return
        [
            new("iterations", r.Count, "count"),
            new("cycles_per_ipi", r.MeanNs * ghz, "cycles"),
            new("ipi_round_mean", r.MeanNs / 1000, "us"),
            new("ipi_round_p50", r.Percentile(50) / 1000.0, "us"),
            new("ipi_round_p99", r.Percentile(99) / 1000.0, "us"),
            new("ipi_round_max", r.MaxNs / 1000.0, "us"),
        ];
    }
}
