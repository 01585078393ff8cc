namespace KvmLab.RealKvm.Probes;

/// <summary>What every probe gets: the open /dev/kvm, sample counts, the watchdog timeout and Ctrl-C.</summary>
public sealed class ProbeContext(Kvm kvm, int samples, CancellationToken cancel)
{
    public Kvm Kvm => kvm;

    /// <summary>Samples for probes whose hot loop runs natively (CPL3); slower probes scale it down.</summary>
    public int Samples => samples;

    /// <summary>Iterations run and dropped before the kept samples (warm-up stage).</summary>
    public static int WarmupFor(int n) => Math.Max(5, n / 10);

    public CancellationToken Cancel => cancel;

    /// <summary>Per-run watchdog: a vCPU that has not finished by then is kicked and the probe fails.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Guest TSC kHz (KVM_GET_TSC_KHZ), set by the first probe that creates a vCPU.</summary>
    public long TscKhz { get; set; }

    public double TicksToNs(long ticks) => ticks * 1e6 / TscKhz;
}
