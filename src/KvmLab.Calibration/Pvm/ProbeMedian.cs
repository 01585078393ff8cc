namespace KvmLab.Calibration.Pvm;

/// <summary>
/// One probe's result as `kvmlab probe --json` saves it: id (suite/name), status, median (ns),
/// samples, whether KVM counted the exits, its note, and KVM's halt-poll counters over the probe
/// (kvm_stats halt_attempted_poll, halt_successful_poll; 0 when the file has none).
/// </summary>
public sealed record ProbeMedian(string Probe, string Status, double? MedianNs, int Samples, bool? ExitsConfirmed, string Note,
    long HaltPollsAttempted = 0, long HaltPollsSucceeded = 0);

/// <summary>The host a probe file was measured on (its environment object).</summary>
public sealed record ProbeHost(string Flavour, string Cpu, string Kernel, long TscKhz, IReadOnlyDictionary<string, string> ModuleParameters);

/// <summary>A saved probe run: where it was read from, the host and every probe.</summary>
public sealed record ProbeRunFile(string File, ProbeHost Host, IReadOnlyList<ProbeMedian> Probes)
{
    /// <summary>The measured medians by probe id.</summary>
    public IReadOnlyDictionary<string, double> Medians() =>
        Probes.Where(p => p.Status == "measured" && p.MedianNs is double).ToDictionary(p => p.Probe, p => p.MedianNs!.Value, StringComparer.Ordinal);

    /// <summary>
    /// The share of attempted halt polls that succeeded, over every probe of the run (null when
    /// no probe attempted one): whether polls ran to the wake-up on the host at the time
    /// (single_task_running(), <see cref="Model.Kvm.Pvm.PvmHaltPolling"/>).
    /// </summary>
    public double? HaltPollSuccessShare
    {
        get
        {
            long attempted = Probes.Sum(p => p.HaltPollsAttempted);
            return attempted == 0 ? null : (double)Probes.Sum(p => p.HaltPollsSucceeded) / attempted;
        }
    }

    /// <summary>Whether the file was measured on a PVM host (its flavour says kvm_pvm).</summary>
    public bool IsPvm => Host.Flavour.Contains("PVM", StringComparison.OrdinalIgnoreCase) || Host.Flavour.Contains("kvm_pvm", StringComparison.Ordinal);
}
