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
    internal static void Number(Utf8JsonWriter w, string name, double v)
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
