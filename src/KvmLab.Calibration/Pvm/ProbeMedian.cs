namespace KvmLab.Calibration.Pvm;

/// <summary>One probe's result as `kvmlab probe --json` saves it: id (suite/name), status, median (ns), samples, whether KVM counted the exits, its note.</summary>
public sealed record ProbeMedian(string Probe, string Status, double? MedianNs, int Samples, bool? ExitsConfirmed, string Note);

/// <summary>The host a probe file was measured on (its environment object).</summary>
public sealed record ProbeHost(string Flavour, string Cpu, string Kernel, long TscKhz, IReadOnlyDictionary<string, string> ModuleParameters);

/// <summary>A saved probe run: where it was read from, the host and every probe.</summary>
public sealed record ProbeRunFile(string File, ProbeHost Host, IReadOnlyList<ProbeMedian> Probes)
{
    /// <summary>The measured medians by probe id.</summary>
    public IReadOnlyDictionary<string, double> Medians() =>
        Probes.Where(p => p.Status == "measured" && p.MedianNs is double).ToDictionary(p => p.Probe, p => p.MedianNs!.Value, StringComparer.Ordinal);

    /// <summary>Whether the file was measured on a PVM host (its flavour says kvm_pvm).</summary>
    public bool IsPvm => Host.Flavour.Contains("PVM", StringComparison.OrdinalIgnoreCase) || Host.Flavour.Contains("kvm_pvm", StringComparison.Ordinal);
}
