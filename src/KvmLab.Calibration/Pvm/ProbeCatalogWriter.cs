using System.Globalization;
using System.Text;
using KvmLab.Calibration.Catalog;

namespace KvmLab.Calibration.Pvm;

/// <summary>
/// Turns a probe run into a measured-here catalog in the data/measurements format (issue 13 item
/// 6: `calibrate` turns the probes into a catalog, `fit` fits it): one entry per measured probe,
/// quantity `probe.&lt;suite&gt;/&lt;name&gt;`, the median in ns, the host and its KVM parameters, the
/// file it came from. A probe with a median at or below zero (a difference of two loops that noise
/// made negative, docs/PVM.md 2.1) is kept as context, not fitted. Each entry's config also
/// carries the run's halt-poll success share (<see cref="PvmRunConditions.PollShareKey"/>).
/// </summary>
public static class ProbeCatalogWriter
{
    /// <summary>The module parameters that decide a probe's path, copied into every entry's config.</summary>
    private static readonly string[] ConfigKeys =
    [
        "kvm.halt_poll_ns", "kvm.halt_poll_ns_grow", "kvm.halt_poll_ns_grow_start", "kvm.halt_poll_ns_shrink", "kvm.lapic_timer_advance", "kvm.mmio_caching",
        "kvm_pvm.pvm_emul_batch", "kvm_pvm.pvm_native",
    ];

    public static string Yaml(ProbeRunFile run, string platform, string source)
    {
        ArgumentNullException.ThrowIfNull(run);
        var y = new StringBuilder();
        string tsc = (run.Host.TscKhz / 1e6).ToString("0.######", CultureInfo.InvariantCulture);
        y.AppendLine(CultureInfo.InvariantCulture, $"# Measurement catalog '{platform}': the probe medians of one 'kvmlab probe' run on this host,");
        y.AppendLine("# written by 'kvmlab calibrate --catalog-out' (schema: data/measurements/README.md). Quantities");
        y.AppendLine("# probe.<suite>/<name> are modelled by src/KvmLab.Calibration/Pvm/PvmProbeModel.cs on a PVM profile.");
        y.AppendLine(CultureInfo.InvariantCulture, $"platform: {platform}");
        y.AppendLine(CultureInfo.InvariantCulture, $"cpu: {Q(run.Host.Cpu)}");
        y.AppendLine(CultureInfo.InvariantCulture, $"tsc_ghz: {tsc}");
        // A condition of the run, not a cost: did attempted halt polls run to the wake-up (PvmRunConditions)?
        double? pollShare = run.HaltPollSuccessShare;
        y.AppendLine("entries:");
        foreach (ProbeMedian p in run.Probes.Where(p => p.Status == "measured" && p.MedianNs is double))
        {
            double v = p.MedianNs!.Value;
            bool usable = v > 0;
            y.AppendLine(CultureInfo.InvariantCulture, $"- id: probe-{p.Probe.Replace('/', '-')}");
            y.AppendLine(CultureInfo.InvariantCulture, $"  quantity: probe.{p.Probe}");
            y.AppendLine(CultureInfo.InvariantCulture, $"  value: {ProbeRunReader.Ns(v)}");
            y.AppendLine("  unit: ns");
            y.AppendLine(CultureInfo.InvariantCulture, $"  statistic: median of {p.Samples} samples (kvmlab probe, overhead subtracted)");
            y.AppendLine(CultureInfo.InvariantCulture, $"  cpu: {Q(run.Host.Cpu)}");
            y.AppendLine("  cpu_match: same_host");
            y.AppendLine(CultureInfo.InvariantCulture, $"  tsc_ghz: {tsc}");
            y.AppendLine(CultureInfo.InvariantCulture, $"  kernel: {Q(run.Host.Kernel)}");
            y.AppendLine("  config:");
            y.AppendLine(CultureInfo.InvariantCulture, $"    flavour: {Q(run.Host.Flavour)}");
            foreach (string k in ConfigKeys.Where(run.Host.ModuleParameters.ContainsKey))
            {
                y.AppendLine(CultureInfo.InvariantCulture, $"    {k}: {Q(run.Host.ModuleParameters[k])}");
            }

            if (pollShare is double share)
            {
                y.AppendLine(CultureInfo.InvariantCulture, $"    {PvmRunConditions.PollShareKey}: '{share.ToString("0.###", CultureInfo.InvariantCulture)}'");
            }

            y.AppendLine("  scenario:");
            y.AppendLine(CultureInfo.InvariantCulture, $"    probe: {p.Probe}");
            y.AppendLine(CultureInfo.InvariantCulture, $"  citation: {Q($"kvmlab probe on this host ({source})")}");
            y.AppendLine(CultureInfo.InvariantCulture, $"  verified: {Q($"measured here; {source} holds the run's n, min, p99, max and KVM's counters for it{(p.ExitsConfirmed is bool ex ? $" (exits confirmed by KVM's counters: {(ex ? "yes" : "no")})" : "")}")}");
            string note = usable ? p.Note : $"median {ProbeRunReader.Ns(v)} ns at or below zero: a difference of two loops dominated by noise (docs/PVM.md 2.1); not fitted. {p.Note}";
            if (note.Length > 0)
            {
                y.AppendLine(CultureInfo.InvariantCulture, $"  note: {Q(note.Trim())}");
            }

            y.AppendLine(CultureInfo.InvariantCulture, $"  use: {(usable ? "fit" : "context")}");
            y.AppendLine("  calibration: false");
        }

        return y.ToString();
    }

    /// <summary>The catalog itself (written and read back through the one format).</summary>
    public static MeasurementCatalog Catalog(ProbeRunFile run, string platform)
    {
        ArgumentNullException.ThrowIfNull(run);
        return MeasurementCatalog.Parse(Yaml(run, platform, run.File), run.File);
    }

    private static string Q(string s) => "'" + s.Replace("'", "''", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal) + "'";
}
