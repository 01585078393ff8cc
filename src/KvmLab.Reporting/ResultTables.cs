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
}
