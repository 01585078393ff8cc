using KvmLab.Model.Kvm;
using KvmLab.Model.Storage;

namespace KvmLab.Model.Workloads;

/// <summary>
/// fio (ioengine libaio, or pvsync2 with hipri when io_poll is on) against an NVMe drive through
/// one storage configuration (<see cref="StorageConfig"/>): bare metal, virtio-blk through QEMU, or
/// VFIO passthrough, built on the shared machine (<see cref="StorageRig"/>): fio's jobs are tasks
/// on the VM's vCPUs (on bare metal, host threads), QEMU's event loop a host thread. Reports what
/// fio reports (IOPS, bandwidth, lat and clat percentiles), the per-request latency breakdown by
/// <see cref="IoPhase"/> (which sums to the mean latency) and the pCPU time the path burns.
/// </summary>
public sealed class FioWorkload : IWorkload
{
    private StorageRig? _rig;

    public required StorageConfig Config { get; init; }

    public required FioJob Job { get; init; }

    /// <summary>Drive preset id (<see cref="NvmeDevices"/>).</summary>
    public string Device { get; init; } = NvmeDevices.OptaneP4800X;

    /// <summary>Overrides the preset's end-to-end QD1 latency (a datasheet figure; converted like the presets).</summary>
    public Engine.Time.SimSpan? DeviceLatency { get; init; }

    public string Id => "fio";

    public string PrimaryMetric => "iops";

    public bool Finished => false;

    public StorageRig Rig => _rig ?? throw new InvalidOperationException("fio is not installed yet.");

    public void Install(HostContext host, Vm vm)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(vm);
        NvmeDeviceSpec spec = NvmeDevices.Find(Device, host.Costs)
            ?? throw new InvalidOperationException($"unknown drive '{Device}' (known: {string.Join(", ", NvmeDevices.Ids)})");
        if (DeviceLatency is null && spec.ServiceMean.Ns <= 0)
        {
            // The drive's time is its published end-to-end latency minus the profile's host path; a profile
            // whose storage costs add up to more than that latency leaves the drive no time at all.
            throw new InvalidOperationException(
                $"the cost profile's host storage path ({NvmeDevices.HostPathInPublishedLatency(host.Costs).Microseconds} us) is longer than drive {Device}'s published end-to-end latency: check the profile's Storage.* costs");
        }
        if (DeviceLatency is { } e2e)
        {
            Engine.Time.SimSpan service = e2e - NvmeDevices.HostPathInPublishedLatency(host.Costs);
            if (service.Ns <= 0)
            {
                throw new InvalidOperationException($"device_latency {e2e.Microseconds} us is shorter than the host software path it includes");
            }

            spec = spec with { ServiceMean = service, Summary = $"custom drive, {e2e.Microseconds} us end to end" };
        }

        _rig = new StorageRig(host, vm, Config, Job, spec);
    }

    public IReadOnlyList<WorkloadMetric> Report(HostContext host)
    {
        ArgumentNullException.ThrowIfNull(host);
        StorageRig r = Rig;
        FioStats s = r.Stats;
        StorageSample used = r.SinceMeasureStart;
        double window = (host.Sim.Now - host.MeasureFrom).Seconds;
        double n = Math.Max(1, s.Completed);
        double Cores(long ns) => ns / 1e9 / window;
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
        m.Add(new("cpu_total", Cores(used.FioCpuNs + used.QemuCpuNs + used.KernelNs), "cores"));
        m.Add(new("cpu_vcpu", Cores(used.FioCpuNs), "cores"));
        m.Add(new("cpu_qemu", Cores(used.QemuCpuNs), "cores"));
        m.Add(new("cpu_irq", Cores(used.KernelNs), "cores"));
        m.Add(new("cpu_spin", Cores(used.SpinNs), "cores"));
        m.Add(new("kicks_per_io", s.Kicks / n, "ratio"));
        m.Add(new("suppressed_kicks_per_io", s.SuppressedKicks / n, "ratio"));
        m.Add(new("irqfd_per_io", s.Irqfds / n, "ratio"));
        m.Add(new("vcpu_halts_per_io", used.Halts / n, "ratio"));
        m.Add(new("guest_haltpoll_hits_per_io", used.HaltPollHits / n, "ratio"));
        if (r.Qemu is { } q)
        {
            m.Add(new("qemu_poll_ns", q.PollNs, "ns"));
            m.Add(new("qemu_notifier_writes_per_io", q.NotifierWrites / n, "ratio"));
            m.Add(new("qemu_polled_wakeups_share", q.PolledWakeups / (double)Math.Max(1, q.PolledWakeups + q.FdWakeups), "ratio"));
        }

        m.Add(new("device_service_mean", r.Device.Spec.ServiceMean.Ns / 1000.0, "us"));
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
