using KvmLab.Model.Kvm;
using KvmLab.Model.Storage;

namespace KvmLab.Model.Workloads;

/// <summary>
/// fio (ioengine libaio, or pvsync2 with hipri when io_poll is on) against an NVMe drive through
/// one storage configuration (<see cref="StorageConfig"/>): bare metal, virtio-blk through QEMU, or
/// VFIO passthrough. Reports what fio reports (IOPS, bandwidth, lat and clat percentiles), the
/// per-request latency breakdown by <see cref="IoPhase"/> (which sums to the mean latency) and the
/// pCPU time the configuration burns. The storage path models its own CPUs (the fio vCPUs, the
/// QEMU thread); the scenario's VM only supplies KVM's halt-polling policy, and its own vCPUs idle.
/// </summary>
public sealed class FioWorkload : IWorkload
{
    private StorageStack? _stack;

    public required StorageConfig Config { get; init; }

    public required FioJob Job { get; init; }

    /// <summary>Drive preset id (<see cref="NvmeDevices"/>).</summary>
    public string Device { get; init; } = NvmeDevices.OptaneP4800X;

    /// <summary>Overrides the preset's end-to-end QD1 latency (a datasheet figure; converted like the presets).</summary>
    public Engine.Time.SimSpan? DeviceLatency { get; init; }

    public string Id => "fio";

    public string PrimaryMetric => "iops";

    public bool Finished => false;

    public StorageStack Stack => _stack ?? throw new InvalidOperationException("fio is not installed yet.");

    public void Install(HostContext host, Vm vm)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(vm);
        StorageCostProfile costs = StorageCostProfiles.For(host.Costs);
        NvmeDeviceSpec spec = NvmeDevices.Find(Device, costs, host.Costs)
            ?? throw new InvalidOperationException($"unknown drive '{Device}' (known: {string.Join(", ", NvmeDevices.Ids)})");
        if (DeviceLatency is { } e2e)
        {
            Engine.Time.SimSpan service = e2e - NvmeDevices.HostPathInPublishedLatency(costs, host.Costs);
            if (service.Ns <= 0)
            {
                throw new InvalidOperationException($"device_latency {e2e.Microseconds} us is shorter than the host software path it includes");
            }

            spec = spec with { ServiceMean = service, Summary = $"custom drive, {e2e.Microseconds} us end to end" };
        }

        _stack = new StorageStack(host, Config, spec, Job, costs, vm.Policies.HaltPoll);
        _stack.Start();
    }

    public IReadOnlyList<WorkloadMetric> Report(HostContext host)
    {
        ArgumentNullException.ThrowIfNull(host);
        StorageStack s = Stack;
        double window = (host.Sim.Now - host.MeasureFrom).Seconds;
        double n = Math.Max(1, s.Completed);
        var m = new List<WorkloadMetric>
        {
            new("iops", s.Completed / window, "IO/s"),
            new("bw", s.Completed * Job.BlockSize / window / (1024.0 * 1024.0), "MiB/s"),
            new("ios", s.Completed, "count"),
            new("lat_mean", s.Latency.MeanNs / 1000, "us"),
            new("lat_p50", s.Latency.Percentile(50) / 1000.0, "us"),
            new("lat_p99", s.Latency.Percentile(99) / 1000.0, "us"),
            new("lat_p99.9", s.Latency.Percentile(99.9) / 1000.0, "us"),
            new("clat_mean", s.CompletionLatency.MeanNs / 1000, "us"),
            new("clat_p50", s.CompletionLatency.Percentile(50) / 1000.0, "us"),
            new("clat_p99", s.CompletionLatency.Percentile(99) / 1000.0, "us"),
        };
        IReadOnlyList<double> phases = s.PhaseMeanNs;
        foreach (IoPhase p in Enum.GetValues<IoPhase>())
        {
            m.Add(new WorkloadMetric(PhaseMetric(p), phases[(int)p] / 1000, "us"));
        }

        m.Add(new("phase_sum", phases.Sum() / 1000, "us"));
        double vcpu = s.Vcpus.Sum(v => v.Cpu.BusyNs + v.Cpu.SpinNs) / 1e9 / window;
        double qemu = s.Qemu is { } q ? (q.Cpu.BusyNs + q.Cpu.SpinNs) / 1e9 / window : 0;
        double irq = s.IrqCpu is { } ic ? ic.BusyNs / 1e9 / window : 0;
        m.Add(new("cpu_total", vcpu + qemu + irq, "cores"));
        m.Add(new("cpu_vcpu", vcpu, "cores"));
        m.Add(new("cpu_qemu", qemu, "cores"));
        m.Add(new("cpu_irq", irq, "cores"));
        m.Add(new("cpu_spin", (s.Vcpus.Sum(v => v.Cpu.SpinNs) + (s.Qemu?.Cpu.SpinNs ?? 0)) / 1e9 / window, "cores"));
        m.Add(new("kicks_per_io", s.Kicks / n, "ratio"));
        m.Add(new("suppressed_kicks_per_io", s.SuppressedKicks / n, "ratio"));
        m.Add(new("irqfd_per_io", s.Irqfds / n, "ratio"));
        m.Add(new("vcpu_halts_per_io", s.Vcpus.Sum(v => v.Halts) / n, "ratio"));
        m.Add(new("guest_haltpoll_hits_per_io", s.Vcpus.Sum(v => v.GuestPollHits) / n, "ratio"));
        if (s.Qemu is { } qe)
        {
            m.Add(new("qemu_poll_ns", qe.PollNs, "ns"));
            m.Add(new("qemu_polled_wakeups_share", qe.PolledWakeups / (double)Math.Max(1, qe.PolledWakeups + qe.SleepingWakeups), "ratio"));
        }

        m.Add(new("device_service_mean", s.Device.Spec.ServiceMean.Ns / 1000.0, "us"));
        return m;
    }

    /// <summary>The run metric that holds a phase's mean time per request.</summary>
    public static string PhaseMetric(IoPhase p) => p switch
    {
        IoPhase.GuestSubmit => "phase_guest_submit",
        IoPhase.Notify => "phase_notify",
        IoPhase.Qemu => "phase_qemu",
        IoPhase.Host => "phase_host",
        IoPhase.Device => "phase_device",
        IoPhase.Completion => "phase_completion",
        IoPhase.Injection => "phase_injection",
        IoPhase.Wakeup => "phase_wakeup",
        _ => throw new ArgumentOutOfRangeException(nameof(p)),
    };
}
