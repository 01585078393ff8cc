using KvmLab.Engine.Stats;
using KvmLab.Engine.Time;
using KvmLab.Model.Guest;
using KvmLab.Model.Kvm;

namespace KvmLab.Model.Workloads;

/// <summary>
/// The cost of sending one IPI as the sender sees it (rdtsc before and after apic->send_IPI), the
/// figure ByteDance compared for bare metal, a VM, and the exit-less PV IPI. The sender sends one
/// fixed IPI to the target every period, long enough for the target to handle it and idle again,
/// so each send finds the target as a mostly idle guest CPU finds it (halted, or polling).
/// </summary>
public sealed class IpiSendWorkload : IWorkload
{
    /// <summary>A vector of its own, so the handler is only ack + return (like a test vector).</summary>
    public const byte TestVector = 0xF1;

    private LatencyHistogram? _send;
    private long _done;
    private HostContext? _host;

    public int SenderCpu { get; init; }

    public int TargetCpu { get; init; } = 1;

    /// <summary>Time between sends. Default 50 us: the target has halted again by the next one.</summary>
    public SimSpan Period { get; init; } = SimSpan.FromMicroseconds(50);

    public long Iterations { get; init; }

    public string Id => "ipi-send";

    public string PrimaryMetric => "send_cycles";

    public bool Finished => Iterations > 0 && _done >= Iterations;

    public void Install(HostContext host, Vm vm)
    {
        _host = host;
        int n = vm.Vcpus.Count;
        if (SenderCpu < 0 || SenderCpu >= n || TargetCpu < 0 || TargetCpu >= n || SenderCpu == TargetCpu)
        {
            throw new InvalidOperationException($"ipi-send needs two different vCPUs of the VM (0..{n - 1}).");
        }

        _send = host.Metrics.Histogram("ipi_send");
        vm.Guest.SetVectorHandler(TestVector, (cpu, iret) => cpu.Kernel.Eoi(cpu, iret));
        vm.Guest.AddTask(new GuestTask("ipi-send", SenderCpu, Program(vm.Guest)));
    }

    private IEnumerable<GuestOp> Program(GuestKernel k)
    {
        SimTime next = k.Now;
        while (Iterations == 0 || _done < Iterations)
        {
            next += Period;
            SimTime start = k.Now;
            yield return GuestOp.Run((cpu, then) => k.SendIpi(cpu, TestVector, TargetCpu, then));
            if (_host!.Measuring)
            {
                _send!.Record((k.Now - start).Ns);
            }

            _done++;
            if (next > k.Now)
            {
                yield return GuestOp.Compute(next - k.Now); // busy-wait to the next period (rdtsc loop)
            }
        }
    }

    public IReadOnlyList<WorkloadMetric> Report(HostContext host)
    {
        var s = _send!;
        double ghz = host.Costs.TscGhz;
        return
        [
            new("sends", s.Count, "count"),
            new("send_cycles", s.MeanNs * ghz, "cycles"),
            new("send_mean", s.MeanNs / 1000.0, "us"),
            new("send_p99", s.Percentile(99) / 1000.0, "us"),
        ];
    }
}
