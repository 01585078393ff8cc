using System.Globalization;
using KvmLab.Experiments;
using KvmLab.Scenarios;

namespace KvmLab.Reporting;

/// <summary>The terminal tables for runs and experiments.</summary>
public static class ResultTables
{
    /// <param name="allMetrics">False: only the metrics that are not zero (a run reports some 40, most of them zero), with a line saying how many are left out.</param>
    public static string Run(RunResult r, bool allMetrics = true)
    {
        ArgumentNullException.ThrowIfNull(r);
        var t = new TextTable("metric", "value", "unit");
        int zeros = 0;
        foreach (RunMetric m in r.Metrics)
        {
            if (!allMetrics && m.Value == 0)
            {
                zeros++;
                continue;
            }

            t.Add(m.Name, Format(m.Value), m.Unit);
        }

        string summary = r.Summary.Count == 0 ? "" : string.Join("\n", r.Summary) + "\n\n";
        string hidden = zeros == 0 ? "" : $"\n({zeros} metrics are zero and not shown: --all-metrics shows them; docs/METRICS.md says what each one means)";
        return $"{r.Scenario}  seed {r.Seed}  profile {r.Profile}  features [{string.Join(", ", r.Features)}]  hash {r.ScenarioHash}\n"
            + $"simulated {r.SimulatedSeconds.ToString("0.######", CultureInfo.InvariantCulture)} s, {r.Events} events\n\n" + summary + t + hidden;
    }

    /// <summary>A run over several replications: each metric's mean and 95% interval ("deterministic" where every replication agreed).</summary>
    public static string Replicated(ReplicatedRun x)
    {
        RunResult r = x.Runs[0];
        var t = new TextTable("metric", "mean", "95% CI", "unit");
        foreach (MetricSummary m in x.Metrics)
        {
            t.Add(m.Name, Format(m.Mean), m.Deterministic ? "deterministic" : double.IsFinite(m.Ci95) ? "+-" + Format(m.Ci95) : "n/a", m.Unit);
        }

        return $"{r.Scenario}  seed {r.Seed}  profile {r.Profile}  features [{string.Join(", ", r.Features)}]  hash {r.ScenarioHash}\n"
            + $"{x.Runs.Count} replications, simulated {r.SimulatedSeconds.ToString("0.######", CultureInfo.InvariantCulture)} s each\n\n" + t;
    }

    public static string Experiment(ExperimentResult x)
    {
        Experiment e = x.Experiment;
        var t = new TextTable("variant", $"{e.Metric} ({e.Unit})", "model change", "published", "tolerance", "verdict");
        string pubB = e.Published.Baseline is double pb ? Format(pb) : "-";
        string pubO = e.Published.Optimized is double po ? Format(po) : "-";
        bool bothDeterministic = x.Baseline.Deterministic && x.Optimized.Deterministic;
        t.Add(x.Baseline.Name, WithCi(x.Baseline.Mean, x.Baseline.Ci95, x.Baseline.Deterministic), "", pubB, "", "");
        t.Add(x.Optimized.Name, WithCi(x.Optimized.Mean, x.Optimized.Ci95, x.Optimized.Deterministic),
            Pct(x.ModelChangePercent) + (double.IsFinite(x.ModelChangeCi95Points) && !bothDeterministic ? $" +-{x.ModelChangeCi95Points.ToString("0.0", CultureInfo.InvariantCulture)}" : ""),
            $"{pubO} ({Pct(e.Published.ChangePercent)})",
            e.ToleranceOnValues
                ? $"+-{e.TolerancePoints.ToString("0.#", CultureInfo.InvariantCulture)}% each"
                : $"+-{e.TolerancePoints.ToString("0.#", CultureInfo.InvariantCulture)} pts",
            x.Reproduced ? "REPRODUCED" : "NOT REPRODUCED");
        string determinism = x.Baseline.Deterministic || x.Optimized.Deterministic
            ? $"  deterministic: every replication of {(bothDeterministic ? "both variants" : x.Baseline.Deterministic ? "the baseline" : "the optimized variant")} gave the same value (no random draw reaches the metric), so no interval is shown\n"
            : "";
        string calib = e.Calibration ? "  [calibration: a constant came from this row's own published numbers]" : "";
        return $"{e.Id}: {e.Title}{calib}\n  setup: {e.Setup}\n  source: {e.Source}\n  published: {e.Published.Citation}\n"
            + $"  seed {x.Seed}, {e.Replications} replications per variant, profile {x.Baseline.Runs[0].Profile}\n\n"
            + t + "\n" + determinism + ExitBreakdown(x) + $"\n  notes: {e.Notes}\n";
    }

    /// <summary>Exits per second by reason and time outside the guest, per variant (means over the replications), like perf kvm stat.</summary>
    public static string ExitBreakdown(ExperimentResult x)
    {
        var names = x.Baseline.Runs[0].Metrics.Select(m => m.Name)
            .Where(n => n.StartsWith("exits_per_s.", StringComparison.Ordinal) || n.StartsWith("dy_", StringComparison.Ordinal)
                || n is "fastpath_share" or "vcpu_time_outside_guest" or "halt_poll_success")
            .ToList();
        var t = new TextTable("exits and host time", x.Baseline.Name, x.Optimized.Name, "unit");
        foreach (string n in names)
        {
            double b = x.Baseline.Runs.Average(r => r.Metric(n));
            double o = x.Optimized.Runs.Average(r => r.Metric(n));
            if (b == 0 && o == 0)
            {
                continue;
            }

            string unit = x.Baseline.Runs[0].Metrics.First(m => m.Name == n).Unit;
            t.Add(n.Replace("exits_per_s.", "exits/s ", StringComparison.Ordinal), Format(b), Format(o), unit);
        }

        return t.ToString();
    }

    public static string Format(double v)
    {
        if (!double.IsFinite(v))
        {
            return "n/a";
        }

        double a = Math.Abs(v);
        string f = a >= 1000 ? "0" : a >= 100 ? "0.0" : a >= 1 ? "0.00" : "0.000";
        return v.ToString(f, CultureInfo.InvariantCulture);
    }

    /// <summary>A mean with its 95% half-width; "(deterministic)" instead of a zero-width interval when every replication agreed.</summary>
    public static string WithCi(double mean, double ci, bool deterministic) =>
        deterministic ? $"{Format(mean)} (deterministic)"
        : double.IsFinite(ci) ? $"{Format(mean)} +-{Format(ci)}"
        : Format(mean);

    private static string Pct(double p) => p.ToString("+0.0;-0.0;0.0", CultureInfo.InvariantCulture) + "%";
}
