using System.Globalization;
using System.Text;
using System.Text.Json;

namespace KvmLab.RealKvm.Probes;

/// <summary>Text, JSON and CSV renderings of a probe run.</summary>
public static class ProbeReport
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static string Environment(HostEnvironment env)
    {
        var sb = new StringBuilder();
        sb.AppendLine("ENVIRONMENT");
        sb.AppendLine(Inv, $"  KVM flavour   {env.Flavour}");
        sb.AppendLine(Inv, $"  nesting       {env.Nesting}");
        sb.AppendLine(Inv, $"  CPU           {env.CpuModel} ({env.Cpus} CPUs)");
        sb.AppendLine(Inv, $"  TSC           {env.TscGhzText} (KVM_GET_TSC_KHZ {env.TscKhz})");
        sb.AppendLine(Inv, $"  kernel        {env.Kernel}");
        sb.AppendLine("  kvm module parameters:");
        foreach (var kv in env.ModuleParameters)
        {
            sb.AppendLine(Inv, $"    {kv.Key}={kv.Value}");
        }

        if (env.Warning is string w)
        {
            sb.AppendLine();
            sb.AppendLine(w);
        }

        return sb.ToString();
    }

    public static string Header() =>
        $"{"probe",-34} {"n",6} {"min",10} {"median",10} {"p99",10} {"max",10} {"overhead",9}  (ns)";

    public static string Line(ProbeResult r)
    {
        string name = $"{r.Suite}/{r.Name}";
        return r.Status switch
        {
            ProbeStatus.Measured when r.Summary is SampleSummary s =>
                string.Create(Inv, $"{name,-34} {s.Count,6} {s.Min,10:0} {s.Median,10:0} {s.P99,10:0} {s.Max,10:0} {r.OverheadNs,9:0}  {r.Description}"),
            ProbeStatus.Skipped => $"{name,-34} skipped: {r.Reason}",
            _ => $"{name,-34} FAILED: {r.Reason}",
        };
    }

    /// <summary>The KVM statistics line printed under a probe, or null without statistics.</summary>
    public static string? CountersLine(ProbeResult r) => r.Counters.Count == 0 && r.Note.Length == 0 ? null
        : $"{"",-34}   kvm stats, vCPU {r.CountersVcpu}: {string.Join(" ", r.Counters.Where(kv => kv.Value != 0).Select(kv => $"{kv.Key}={kv.Value}"))}"
          + (r.Note.Length > 0 ? $"\n{"",-34}   note: {r.Note}" : "");

    public static string Json(HostEnvironment env, IReadOnlyList<ProbeResult> results, IReadOnlyList<Comparison> comparisons)
    {
        var doc = new
        {
            environment = new
            {
                flavour = env.Flavour,
                nesting = env.Nesting,
                host_is_guest = env.HostIsGuest,
                cpu = env.CpuModel,
                cpus = env.Cpus,
                tsc_khz = env.TscKhz,
                kernel = env.Kernel,
                module_parameters = env.ModuleParameters.ToDictionary(k => k.Key, k => k.Value),
                warning = env.Warning,
            },
            probes = results.Select(r => new
            {
                suite = r.Suite,
                name = r.Name,
                description = r.Description,
                status = r.Status.ToString().ToLowerInvariant(),
                reason = r.Reason,
                unit = "ns",
                n = r.Summary?.Count,
                min = r.Summary?.Min,
                median = r.Summary?.Median,
                p99 = r.Summary?.P99,
                max = r.Summary?.Max,
                mean = r.Summary?.Mean,
                overhead_subtracted = r.OverheadNs,
                kvm_stats_vcpu = r.Counters.Count > 0 ? r.CountersVcpu : (int?)null,
                kvm_stats = r.Counters,
                exits_confirmed = r.ExitsConfirmed,
                note = r.Note,
            }),
            comparisons = comparisons.Select(c => new
            {
                a = c.A,
                b = c.B,
                median_a = Finite(c.MedianA),
                median_b = Finite(c.MedianB),
                ratio_b_over_a = Finite(c.Ratio),
                ci95_low = Finite(c.RatioLow),
                ci95_high = Finite(c.RatioHigh),
                p_value = Finite(c.PValue),
                verdict = c.Verdict,
            }),
        };
        return JsonSerializer.Serialize(doc, Indented);
    }

    /// <summary>JSON has no NaN or infinity: such values (a ratio that is not comparable) become null.</summary>
    private static double? Finite(double x) => double.IsFinite(x) ? x : null;

    /// <summary>Writes DIR/&lt;suite&gt;-&lt;probe&gt;.csv (one sample per line, ns) for every measured probe.</summary>
    public static void WriteCsv(string dir, IReadOnlyList<ProbeResult> results)
    {
        Directory.CreateDirectory(dir);
        foreach (ProbeResult r in results.Where(r => r.Status == ProbeStatus.Measured))
        {
            var sb = new StringBuilder("sample,ns\n");
            for (int i = 0; i < r.Samples.Count; i++)
            {
                sb.Append(i).Append(',').Append(r.Samples[i].ToString("0.0", Inv)).Append('\n');
            }

            File.WriteAllText(Path.Combine(dir, $"{r.Suite}-{r.Name}.csv"), sb.ToString());
        }
    }
}
