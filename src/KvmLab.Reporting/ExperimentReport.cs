using System.Globalization;
using System.Text;
using System.Text.Json;
using KvmLab.Experiments;

namespace KvmLab.Reporting;

/// <summary>
/// The terminal table and the JSON line of an experiment, one path for every experiment. What is
/// shown follows what the source published: a change (two variants, the change column, the exit
/// breakdown of both) or a value per variant (a ladder: each variant's deviation, the order, the
/// latency breakdown and CPU burned). The bytes are those the two former shapes printed.
/// </summary>
public static class ExperimentReport
{
    private static readonly string[] PhaseHeaders = ["guest submit", "notify", "QEMU", "host", "device", "completion", "injection", "wake-up"];

    public static string Table(ExperimentResult x)
    {
        ArgumentNullException.ThrowIfNull(x);
        return x.Experiment.JudgedPerVariant ? PerVariantTable(x) : ChangeTable(x);
    }

    public static string Json(ExperimentResult x)
    {
        ArgumentNullException.ThrowIfNull(x);
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms))
        {
            w.WriteStartObject();
            w.WriteString("id", x.Experiment.Id);
            w.WriteString("title", x.Experiment.Title);
            if (x.Experiment.JudgedPerVariant)
            {
                PerVariantJson(w, x);
            }
            else
            {
                ChangeJson(w, x);
            }

            w.WriteBoolean("calibration", x.Experiment.Calibration);
            w.WriteNumber("seed", x.Seed);
            w.WriteString("profile", x.Baseline.Runs[0].Profile);
            w.WriteString("profile_provenance", x.ProfileProvenance);
            w.WriteString("version", x.Baseline.Runs[0].Version);
            w.WriteString("citation", x.Experiment.Citation);
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(ms.ToArray());
    }

    private static string ChangeTable(ExperimentResult x)
    {
        Experiment e = x.Experiment;
        var t = new TextTable("variant", $"{e.Metric} ({e.Unit})", "model change", "published", "tolerance", "verdict");
        string pubB = e.Baseline.Published is double pb ? Format(pb) : "-";
        string pubO = e.Optimized.Published is double po ? Format(po) : "-";
        bool bothDeterministic = x.Baseline.Deterministic && x.Optimized.Deterministic;
        double published = e.PublishedChangePercent ?? double.NaN;
        t.Add(x.Baseline.Name, ResultTables.WithCi(x.Baseline.Mean, x.Baseline.Ci95, x.Baseline.Deterministic), "", pubB, "", "");
        t.Add(x.Optimized.Name, ResultTables.WithCi(x.Optimized.Mean, x.Optimized.Ci95, x.Optimized.Deterministic),
            Pct(x.ModelChangePercent) + (double.IsFinite(x.ModelChangeCi95Points) && !bothDeterministic ? $" +-{x.ModelChangeCi95Points.ToString("0.0", CultureInfo.InvariantCulture)}" : ""),
            $"{pubO} ({Pct(published)})",
            e.ToleranceOn == ToleranceKind.EachValuePercent
                ? $"+-{F1(e.Tolerance)}% each"
                : $"+-{F1(e.Tolerance)} pts",
            Text(x.Outcome));
        string determinism = x.Baseline.Deterministic || x.Optimized.Deterministic
            ? $"  deterministic: every replication of {(bothDeterministic ? "both variants" : x.Baseline.Deterministic ? "the baseline" : "the optimized variant")} gave the same value (no random draw reaches the metric), so no interval is shown\n"
            : "";
        return Header(x, "variant") + "\n" + t + "\n" + determinism + InconclusiveLine(x) + ExitBreakdown(x) + $"\n  notes: {e.Notes}\n" + WhatWouldItTakeLine(x);
    }

    private static string PerVariantTable(ExperimentResult x)
    {
        Experiment e = x.Experiment;
        var t = new TextTable("configuration", $"model {e.Metric} ({e.Unit})", "published", "deviation", "tolerance", "verdict");
        foreach (VariantResult r in x.Variants)
        {
            string verdict = !x.Comparable ? "n/a (setup differs)" : Text(r.Outcome);
            t.Add(r.Name, ResultTables.WithCi(r.Mean, r.Ci95, r.Deterministic), Format(r.Variant.Published ?? double.NaN), Pct(r.DeviationPercent),
                $"+-{F1(e.Tolerance)}%", verdict);
        }

        var s = new StringBuilder(Header(x, "configuration")).Append('\n');
        s.Append(t).Append('\n');
        string order = x.OrderReproduced
            ? "same order as published"
            : "NOT the published order: " + string.Join("; ", x.OrderViolations.Select(v => $"{v.Lower} should be below {v.Higher}"));
        s.Append(CultureInfo.InvariantCulture, $"  order (ties within {F1(e.TiePercent)}% of each other ignored): {order}\n");
        s.Append(CultureInfo.InvariantCulture, $"  {x.VariantsWithinTolerance}/{x.Variants.Count} configurations within tolerance; ladder {(x.Comparable ? Text(x.Outcome) : "not judged (override)")}\n\n");
        if (e.Breakdown.Count > 0)
        {
            var b = new TextTable(["configuration", .. PhaseHeaders, "sum", "lat mean", "CPU cores", "(vCPU", "QEMU", "spin)"]);
            foreach (VariantResult r in x.Variants)
            {
                var cells = new List<string> { r.Name };
                cells.AddRange(e.Breakdown.Select(m => F2(r.Metrics[m])));
                foreach (string m in (string[])["phase_sum", "lat_mean", "cpu_total", "cpu_vcpu", "cpu_qemu", "cpu_spin"])
                {
                    cells.Add(F2(r.Metrics.GetValueOrDefault(m, double.NaN)));
                }

                b.Add([.. cells]);
            }

            s.Append("  per-request latency breakdown (us, mean over replications; the phases sum to the mean latency) and pCPU time burned (cores):\n\n");
            s.Append(b).Append('\n');
        }

        s.Append(CultureInfo.InvariantCulture, $"  notes: {e.Notes}\n").Append(WhatWouldItTakeLine(x));
        return s.ToString();
    }

    private static string Header(ExperimentResult x, string per)
    {
        Experiment e = x.Experiment;
        string calib = e.Calibration ? "  [calibration: a constant came from this row's own published numbers]" : "";
        string over = x.Override is { } o
            ? $"  OVERRIDE: {o} -- the published values are for the original setup and shown for reference only\n"
            : "";
        return $"{e.Id}: {e.Title}{calib}\n  setup: {e.Setup}\n  source: {e.Source}\n  published: {e.Citation}\n" + over
            + $"  seed {x.Seed}, {e.Replications} replications per {per}, profile {x.Baseline.Runs[0].Profile}\n"
            + (x.ProfileProvenance.Length > 0 ? $"  profile {x.ProfileProvenance}\n" : "");
    }

    /// <summary>Exits per second by reason and time outside the guest, per variant (means over the replications), like perf kvm stat.</summary>
    public static string ExitBreakdown(ExperimentResult x)
    {
        ArgumentNullException.ThrowIfNull(x);
        var names = x.Baseline.Runs[0].Metrics.Select(m => m.Name)
            .Where(n => n.StartsWith("exits_per_s.", StringComparison.Ordinal) || n.StartsWith("dy_", StringComparison.Ordinal)
                || n is "fastpath_share" or "vcpu_time_outside_guest" or "halt_poll_success" or "halt_polls_per_s")
            .ToList();
        var t = new TextTable(["exits and host time", .. x.Variants.Select(v => v.Name), "unit"]);
        foreach (string n in names)
        {
            double[] means = [.. x.Variants.Select(v => v.Runs.Average(r => r.Metric(n)))];
            if (means.All(m => m == 0))
            {
                continue;
            }

            string unit = x.Baseline.Runs[0].Metrics.First(m => m.Name == n).Unit;
            t.Add([n.Replace("exits_per_s.", "exits/s ", StringComparison.Ordinal), .. means.Select(Format), unit]);
        }

        return t.ToString();
    }

    private static void ChangeJson(Utf8JsonWriter w, ExperimentResult x)
    {
        Experiment e = x.Experiment;
        w.WriteString("metric", e.Metric);
        w.WriteString("unit", e.Unit);
        w.WriteStartArray("variants");
        foreach (VariantResult v in x.Variants)
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
        Number(w, "published_change_percent", e.PublishedChangePercent ?? double.NaN);
        if (e.Baseline.Published is double pb)
        {
            Number(w, "published_baseline", pb);
        }

        if (e.Optimized.Published is double po)
        {
            Number(w, "published_optimized", po);
        }

        Number(w, "tolerance_points", e.Tolerance);
        w.WriteBoolean("reproduced", x.Reproduced);
        w.WriteString("outcome", Json(x.Outcome));
    }

    private static void PerVariantJson(Utf8JsonWriter w, ExperimentResult x)
    {
        Experiment e = x.Experiment;
        w.WriteString("kind", "ladder");
        w.WriteString("metric", e.Metric);
        w.WriteString("unit", e.Unit);
        w.WriteStartArray("configurations");
        foreach (VariantResult r in x.Variants)
        {
            w.WriteStartObject();
            w.WriteString("name", r.Name);
            w.WriteString("description", r.Variant.Description);
            Number(w, "model", r.Mean);
            Number(w, "ci95", r.Ci95);
            w.WriteBoolean("deterministic", r.Deterministic);
            Number(w, "published", r.Variant.Published ?? double.NaN);
            Number(w, "deviation_percent", r.DeviationPercent);
            Verdict(w, x.Comparable, r.Outcome);
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
        Number(w, "tolerance_percent", e.Tolerance);
        Number(w, "tie_percent", e.TiePercent);
        w.WriteBoolean("order_reproduced", x.OrderReproduced);
        w.WriteNumber("within_tolerance", x.VariantsWithinTolerance);
        Verdict(w, x.Comparable, x.Outcome);
        if (!x.Comparable)
        {
            w.WriteString("override", x.Override);
        }
    }

    private static void Verdict(Utf8JsonWriter w, bool comparable, Outcome outcome)
    {
        if (comparable)
        {
            w.WriteBoolean("reproduced", outcome == Outcome.Reproduced);
            w.WriteString("outcome", Json(outcome));
        }
        else
        {
            w.WriteNull("reproduced");
            w.WriteNull("outcome");
        }
    }

    /// <summary>The verdict column: REPRODUCED, NOT REPRODUCED or INCONCLUSIVE (<see cref="Outcome"/>).</summary>
    public static string Text(Outcome o) => o.Words().ToUpperInvariant();

    /// <summary>The JSON outcome: reproduced, not_reproduced or inconclusive.</summary>
    public static string Json(Outcome o) => o switch
    {
        Outcome.Reproduced => "reproduced",
        Outcome.Inconclusive => "inconclusive",
        _ => "not_reproduced",
    };

    /// <summary>Why a change is inconclusive: its interval against the band, in one line.</summary>
    private static string InconclusiveLine(ExperimentResult x)
    {
        if (x.Outcome != Outcome.Inconclusive || x.Experiment.PublishedChangePercent is not double p)
        {
            return "";
        }

        double m = x.ModelChangePercent, h = x.ModelChangeCi95Points;
        var (low, high) = KvmLab.Experiments.Verdict.ChangeBand(p, x.Experiment.Tolerance);
        return $"  inconclusive: the change's 95% interval ({Pct(m - h)} to {Pct(m + h)}) reaches both inside and outside the published band ({Pct(low)} to {Pct(high)}); the replications disagree too much for a verdict\n";
    }

    /// <summary>The row's "what would it take" (<see cref="Experiment.WhatWouldItTake"/>), shown while it does not reproduce.</summary>
    private static string WhatWouldItTakeLine(ExperimentResult x) =>
        x.Outcome != Outcome.Reproduced && x.Comparable && x.Experiment.WhatWouldItTake is { Length: > 0 } w
            ? $"  what would it take: {w}\n"
            : "";

    private static void Number(Utf8JsonWriter w, string name, double v) => JsonResults.Number(w, name, v);

    private static string Format(double v) => ResultTables.Format(v);

    private static string F1(double v) => v.ToString("0.#", CultureInfo.InvariantCulture);

    private static string F2(double v) => double.IsFinite(v) ? v.ToString("0.00", CultureInfo.InvariantCulture) : "n/a";

    private static string Pct(double p) => p.ToString("+0.0;-0.0;0.0", CultureInfo.InvariantCulture) + "%";
}
