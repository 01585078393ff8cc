using System.Text.Json;
using KvmLab.Experiments;
using KvmLab.Scenarios;

namespace KvmLab.Reporting;

/// <summary>
/// JSON for runs and experiments: one object per line, fixed property order, invariant number
/// formatting ("R" round-trip), so the same run gives the same bytes.
/// </summary>
public static class JsonResults
{
    public static string Run(RunResult r)
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms))
        {
            w.WriteStartObject();
            WriteRunHeader(w, r);
            w.WriteStartObject("metrics");
            foreach (RunMetric m in r.Metrics)
            {
                w.WriteStartObject(m.Name);
                Number(w, "value", m.Value);
                w.WriteString("unit", m.Unit);
                w.WriteEndObject();
            }

            w.WriteEndObject();
            w.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(ms.ToArray());
    }

    /// <summary>A run over several replications: the first run's header, then per metric mean, ci95, deterministic and unit.</summary>
    public static string Replicated(ReplicatedRun x)
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms))
        {
            w.WriteStartObject();
            WriteRunHeader(w, x.Runs[0]);
            w.WriteNumber("replications", x.Runs.Count);
            w.WriteStartObject("metrics");
            foreach (MetricSummary m in x.Metrics)
            {
                w.WriteStartObject(m.Name);
                Number(w, "mean", m.Mean);
                Number(w, "ci95", m.Ci95);
                w.WriteBoolean("deterministic", m.Deterministic);
                w.WriteString("unit", m.Unit);
                w.WriteEndObject();
            }

            w.WriteEndObject();
            w.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(ms.ToArray());
    }

    public static string Experiment(ExperimentResult x)
    {
        Experiment e = x.Experiment;
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms))
        {
            w.WriteStartObject();
            w.WriteString("id", e.Id);
            w.WriteString("title", e.Title);
            w.WriteString("metric", e.Metric);
            w.WriteString("unit", e.Unit);
            w.WriteStartArray("variants");
            foreach (VariantResult v in new[] { x.Baseline, x.Optimized })
            {
                w.WriteStartObject();
                w.WriteString("name", v.Name);
                Number(w, "value", v.Mean);
                Number(w, "ci95", v.Ci95);
                w.WriteBoolean("deterministic", v.Deterministic);
                w.WriteNumber("replications", v.Runs.Count);
                w.WriteString("scenario_hash", v.Runs[0].ScenarioHash);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            Number(w, "model_change_percent", x.ModelChangePercent);
            Number(w, "model_change_ci95_points", x.ModelChangeCi95Points);
            Number(w, "published_change_percent", e.Published.ChangePercent);
            if (e.Published.Baseline is double pb)
            {
                Number(w, "published_baseline", pb);
            }

            if (e.Published.Optimized is double po)
            {
                Number(w, "published_optimized", po);
            }

            Number(w, "tolerance_points", e.TolerancePoints);
            w.WriteBoolean("reproduced", x.Reproduced);
            w.WriteBoolean("calibration", e.Calibration);
            w.WriteNumber("seed", x.Seed);
            w.WriteString("profile", x.Baseline.Runs[0].Profile);
            w.WriteString("version", x.Baseline.Runs[0].Version);
            w.WriteString("citation", e.Published.Citation);
            w.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(ms.ToArray());
    }

    private static void WriteRunHeader(Utf8JsonWriter w, RunResult r)
    {
        w.WriteString("scenario", r.Scenario);
        w.WriteString("scenario_hash", r.ScenarioHash);
        w.WriteNumber("seed", r.Seed);
        w.WriteNumber("replication", r.Replication);
        w.WriteString("profile", r.Profile);
        w.WriteStartArray("features");
        foreach (string f in r.Features)
        {
            w.WriteStringValue(f);
        }

        w.WriteEndArray();
        w.WriteString("version", r.Version);
        Number(w, "simulated_seconds", r.SimulatedSeconds);
        w.WriteNumber("events", r.Events);
        w.WriteString("primary_metric", r.PrimaryMetric);
    }

    /// <summary>NaN and infinities are not JSON numbers: they are written as null.</summary>
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
