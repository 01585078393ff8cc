using System.Globalization;
using System.Text;
using System.Text.Json;
using KvmLab.Experiments;

namespace KvmLab.Reporting;

/// <summary>The terminal table and the JSON line for a ladder experiment.</summary>
public static class LadderReport
{
    private static readonly string[] PhaseHeaders = ["guest submit", "notify", "QEMU", "host", "device", "completion", "injection", "wake-up"];

    public static string Table(LadderResult x)
    {
        ArgumentNullException.ThrowIfNull(x);
        LadderExperiment e = x.Experiment;
        var t = new TextTable("configuration", $"model {e.Metric} ({e.Unit})", "published", "deviation", "tolerance", "verdict");
        foreach (LadderRungResult r in x.Rungs)
        {
            string verdict = !x.Comparable ? "n/a (setup differs)" : r.WithinTolerance ? "REPRODUCED" : "NOT REPRODUCED";
            t.Add(r.Rung.Name, ResultTables.WithCi(r.Mean, r.Ci95, r.Deterministic), ResultTables.Format(r.Rung.Published), Pct(r.DeviationPercent),
                $"+-{e.TolerancePercent.ToString("0.#", CultureInfo.InvariantCulture)}%", verdict);
        }

        var b = new TextTable(["configuration", .. PhaseHeaders, "sum", "lat mean", "CPU cores", "(vCPU", "QEMU", "spin)"]);
        foreach (LadderRungResult r in x.Rungs)
        {
            var cells = new List<string> { r.Rung.Name };
            cells.AddRange(e.Breakdown.Select(m => F2(r.Metrics[m])));
            cells.Add(F2(r.Metrics.GetValueOrDefault("phase_sum", double.NaN)));
            cells.Add(F2(r.Metrics.GetValueOrDefault("lat_mean", double.NaN)));
            cells.Add(F2(r.Metrics.GetValueOrDefault("cpu_total", double.NaN)));
            cells.Add(F2(r.Metrics.GetValueOrDefault("cpu_vcpu", double.NaN)));
            cells.Add(F2(r.Metrics.GetValueOrDefault("cpu_qemu", double.NaN)));
            cells.Add(F2(r.Metrics.GetValueOrDefault("cpu_spin", double.NaN)));
            b.Add([.. cells]);
        }

        var s = new StringBuilder();
        string calib = e.Calibration ? "  [calibration: a constant came from this row's own published numbers]" : "";
        s.Append(CultureInfo.InvariantCulture, $"{e.Id}: {e.Title}{calib}\n  setup: {e.Setup}\n  source: {e.Source}\n  published: {e.Citation}\n");
        if (x.Override is { } o)
        {
            s.Append(CultureInfo.InvariantCulture, $"  OVERRIDE: {o} -- the published values are for the original setup and shown for reference only\n");
        }

        s.Append(CultureInfo.InvariantCulture, $"  seed {x.Seed}, {e.Replications} replications per configuration, profile {x.Rungs[0].Runs[0].Profile}\n\n");
        s.Append(t).Append('\n');
        string order = x.OrderReproduced
            ? "same order as published"
            : "NOT the published order: " + string.Join("; ", x.OrderViolations.Select(v => $"{v.Lower} should be below {v.Higher}"));
        s.Append(CultureInfo.InvariantCulture, $"  order (ties within {e.TiePercent.ToString("0.#", CultureInfo.InvariantCulture)}% of each other ignored): {order}\n");
        s.Append(CultureInfo.InvariantCulture, $"  {x.RungsWithinTolerance}/{x.Rungs.Count} configurations within tolerance; ladder {(x.Comparable ? (x.Reproduced ? "REPRODUCED" : "NOT REPRODUCED") : "not judged (override)")}\n\n");
        s.Append("  per-request latency breakdown (us, mean over replications; the phases sum to the mean latency) and pCPU time burned (cores):\n\n");
        s.Append(b).Append('\n');
        s.Append(CultureInfo.InvariantCulture, $"  notes: {e.Notes}\n");
        return s.ToString();
    }

    public static string Json(LadderResult x)
    {
        ArgumentNullException.ThrowIfNull(x);
        LadderExperiment e = x.Experiment;
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms))
        {
            w.WriteStartObject();
            w.WriteString("id", e.Id);
            w.WriteString("title", e.Title);
            w.WriteString("kind", "ladder");
            w.WriteString("metric", e.Metric);
            w.WriteString("unit", e.Unit);
            w.WriteStartArray("configurations");
            foreach (LadderRungResult r in x.Rungs)
            {
                w.WriteStartObject();
                w.WriteString("name", r.Rung.Name);
                w.WriteString("description", r.Rung.Description);
                Number(w, "model", r.Mean);
                Number(w, "ci95", r.Ci95);
                w.WriteBoolean("deterministic", r.Deterministic);
                Number(w, "published", r.Rung.Published);
                Number(w, "deviation_percent", r.DeviationPercent);
                if (x.Comparable)
                {
                    w.WriteBoolean("reproduced", r.WithinTolerance);
                }
                else
                {
                    w.WriteNull("reproduced");
                }

                w.WriteNumber("replications", r.Runs.Count);
                w.WriteString("scenario_hash", r.Runs[0].ScenarioHash);
                w.WriteStartObject("metrics");
                foreach (var (name, value) in r.Metrics.OrderBy(kv => kv.Key, StringComparer.Ordinal))
                {
                    Number(w, name, value);
                }

                w.WriteEndObject();
                w.WriteEndObject();
            }

            w.WriteEndArray();
            Number(w, "tolerance_percent", e.TolerancePercent);
            Number(w, "tie_percent", e.TiePercent);
            w.WriteBoolean("order_reproduced", x.OrderReproduced);
            w.WriteNumber("within_tolerance", x.RungsWithinTolerance);
            if (x.Comparable)
            {
                w.WriteBoolean("reproduced", x.Reproduced);
            }
            else
            {
                w.WriteNull("reproduced");
                w.WriteString("override", x.Override);
            }

            w.WriteBoolean("calibration", e.Calibration);
            w.WriteNumber("seed", x.Seed);
            w.WriteString("profile", x.Rungs[0].Runs[0].Profile);
            w.WriteString("version", x.Rungs[0].Runs[0].Version);
            w.WriteString("citation", e.Citation);
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(ms.ToArray());
    }

    private static string F2(double v) => double.IsFinite(v) ? v.ToString("0.00", CultureInfo.InvariantCulture) : "n/a";

    private static string Pct(double p) => p.ToString("+0.0;-0.0;0.0", CultureInfo.InvariantCulture) + "%";

    private static void Number(Utf8JsonWriter w, string name, double v)
    {
        if (double.IsFinite(v))
        {
            w.WriteNumber(name, Math.Round(v, 6));
        }
        else
        {
            w.WriteNull(name);
        }
    }
}
