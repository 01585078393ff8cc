using System.Globalization;
using System.Text;
using System.Text.Json;
using KvmLab.Experiments.Compare;

namespace KvmLab.Reporting;

/// <summary>`kvmlab compare` output: the ranked table, one JSON object (schema in docs/COMPARE.md), or CSV.</summary>
public static class CompareReport
{
    public const string Schema = "kvmlab-compare/1";

    public static string Table(Comparison c)
    {
        ArgumentNullException.ThrowIfNull(c);
        var s = new StringBuilder();
        s.Append(CultureInfo.InvariantCulture, $"{c.Scenario} ({c.ScenarioFile}): {Design(c.Design)} of {c.Features.Count} feature(s), {c.Sets.Count} sets x {c.Replications} replications, seed {c.Seed}, profile {c.Profile}\n");
        s.Append(CultureInfo.InvariantCulture, $"  baseline = the scenario's features without the compared ones: [{string.Join(", ", c.Baseline.Set.Features)}]\n");
        s.Append(CultureInfo.InvariantCulture, $"  compared{(c.DefaultFeatures ? " (default: every feature of this platform)" : "")}: {string.Join(", ", c.Features)}\n");
        foreach (var (f, why) in c.LeftOut)
        {
            s.Append(CultureInfo.InvariantCulture, $"  left out of the defaults: {f} ({why})\n");
        }

        if (c.TrustedGuestOnly.Count > 0)
        {
            s.Append(CultureInfo.InvariantCulture, $"  ! only for a trusted guest (hands the guest host resources): {string.Join(", ", c.TrustedGuestOnly)}\n");
        }

        s.Append(CultureInfo.InvariantCulture, $"  ranked by {c.Metric} ({c.Unit}, {(c.HigherIsBetter ? "higher" : "lower")} is better); mean +- 95% interval; '=' tied with the set above (intervals overlap); pCPU us/work = pCPU time per unit of {c.WorkMetric}\n\n");
        var t = new TextTable("set", "rank", $"{c.Metric} ({c.Unit})", "vs baseline", "pCPU cores", "pCPU us/work", "exits that explain it (exits/s vs baseline)");
        foreach (SetResult r in c.Ranked)
        {
            string rank = (r.TiedWithAbove ? "=" : "") + r.Rank.ToString(CultureInfo.InvariantCulture);
            string change = r.Set.Kind == "baseline" ? "-" : r.ChangesNothing ? "changes nothing" : WithCi(r.ChangePercent, r.ChangeCi95Points, r.Metric.Deterministic);
            t.Add(r.Set.Name + Trusted(c, r), rank, ResultTables.WithCi(r.Metric.Mean, r.Metric.Ci95, r.Metric.Deterministic), change,
                F2(r.CpuCores), ResultTables.Format(r.CpuUsPerWork), r.Set.Kind == "baseline" ? "" : Exits(c, r));
        }

        s.Append(t);
        if (c.Effects.Count > 0)
        {
            s.Append(CultureInfo.InvariantCulture, $"\n\n  factorial effects on {c.Metric} (mean where on minus where off over all {c.Sets.Count} combinations; interactions: same sign minus opposite):\n\n");
            var e = new TextTable("effect", $"{c.Metric} ({c.Unit})", "95% interval", "% of baseline");
            foreach (Effect x in c.Effects)
            {
                e.Add(x.Name, ResultTables.Format(x.Value), "+-" + ResultTables.Format(x.Ci95), Pct(x.PercentOfBaseline));
            }

            s.Append(e);
        }

        var nothing = c.Sets.Where(r => r.ChangesNothing).Select(r => r.Set.Name).ToList();
        if (nothing.Count > 0)
        {
            s.Append(CultureInfo.InvariantCulture, $"\n\n  changes nothing here (every metric of every replication equals the baseline's): {string.Join(", ", nothing)}");
        }

        return s.Append('\n').ToString();
    }

    public static string Json(Comparison c)
    {
        ArgumentNullException.ThrowIfNull(c);
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms))
        {
            w.WriteStartObject();
            w.WriteString("schema", Schema);
            w.WriteString("scenario", c.Scenario);
            w.WriteString("scenario_file", c.ScenarioFile);
            w.WriteNumber("seed", c.Seed);
            w.WriteString("profile", c.Profile);
            w.WriteString("version", c.Version);
            w.WriteString("design", Design(c.Design));
            Strings(w, "features", c.Features);
            w.WriteBoolean("default_features", c.DefaultFeatures);
            w.WriteStartArray("left_out");
            foreach (var (f, why) in c.LeftOut)
            {
                w.WriteStartObject();
                w.WriteString("feature", f);
                w.WriteString("why", why);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            Strings(w, "trusted_guest_only", c.TrustedGuestOnly);
            w.WriteString("metric", c.Metric);
            w.WriteString("unit", c.Unit);
            w.WriteBoolean("higher_is_better", c.HigherIsBetter);
            w.WriteString("work_metric", c.WorkMetric);
            w.WriteNumber("replications", c.Replications);
            w.WriteStartArray("sets");
            foreach (SetResult r in c.Ranked)
            {
                w.WriteStartObject();
                w.WriteString("name", r.Set.Name);
                w.WriteString("kind", r.Set.Kind);
                Strings(w, "on", r.Set.On);
                Strings(w, "features", r.Set.Features);
                w.WriteNumber("rank", r.Rank);
                w.WriteBoolean("tied_with_above", r.TiedWithAbove);
                JsonResults.Number(w, "mean", r.Metric.Mean);
                JsonResults.Number(w, "ci95", r.Metric.Ci95);
                w.WriteBoolean("deterministic", r.Metric.Deterministic);
                JsonResults.Number(w, "change_percent", r.ChangePercent);
                JsonResults.Number(w, "change_ci95_points", r.ChangeCi95Points);
                w.WriteBoolean("changes_nothing", r.ChangesNothing);
                JsonResults.Number(w, "pcpu_cores", r.CpuCores);
                JsonResults.Number(w, "pcpu_us_per_work", r.CpuUsPerWork);
                w.WriteStartArray("exit_deltas");
                foreach (ExitDelta d in r.ExitDeltas)
                {
                    w.WriteStartObject();
                    w.WriteString("reason", d.Reason);
                    JsonResults.Number(w, "baseline_per_s", d.Baseline);
                    JsonResults.Number(w, "set_per_s", d.Set);
                    JsonResults.Number(w, "delta_per_s", d.Delta);
                    w.WriteEndObject();
                }

                w.WriteEndArray();
                w.WriteString("scenario_hash", r.Runs[0].ScenarioHash);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteStartArray("effects");
            foreach (Effect x in c.Effects)
            {
                w.WriteStartObject();
                w.WriteString("name", x.Name);
                Strings(w, "features", x.Features);
                JsonResults.Number(w, "value", x.Value);
                JsonResults.Number(w, "ci95", x.Ci95);
                JsonResults.Number(w, "percent_of_baseline", x.PercentOfBaseline);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(ms.ToArray());
    }

    /// <summary>One row per set, ranked; the columns of the JSON's sets (features joined with '+').</summary>
    public static string Csv(Comparison c)
    {
        ArgumentNullException.ThrowIfNull(c);
        var s = new StringBuilder("rank,tied_with_above,set,kind,on,mean,ci95,change_percent,change_ci95_points,changes_nothing,pcpu_cores,pcpu_us_per_work,top_exit_delta\n");
        foreach (SetResult r in c.Ranked)
        {
            string top = r.ExitDeltas.Count > 0 ? $"{r.ExitDeltas[0].Reason} {R(r.ExitDeltas[0].Delta)}" : "";
            s.Append(string.Join(',', r.Rank.ToString(CultureInfo.InvariantCulture), r.TiedWithAbove ? "1" : "0", r.Set.Name, r.Set.Kind, string.Join('+', r.Set.On),
                R(r.Metric.Mean), R(r.Metric.Ci95), R(r.ChangePercent), R(r.ChangeCi95Points), r.ChangesNothing ? "1" : "0", R(r.CpuCores), R(r.CpuUsPerWork), top)).Append('\n');
        }

        return s.ToString();
    }

    public static string Design(CompareDesign d) => d switch
    {
        CompareDesign.OneAtATime => "one-at-a-time",
        CompareDesign.LeaveOneOut => "leave-one-out",
        CompareDesign.Factorial => "factorial",
        _ => throw new ArgumentOutOfRangeException(nameof(d)),
    };

    private static string Trusted(Comparison c, SetResult r) => r.Set.On.Any(c.TrustedGuestOnly.Contains) ? " !" : "";

    /// <summary>The three largest exit-rate changes; when no rate moved, where the exits' time went instead (fastpath share, time outside the guest).</summary>
    private static string Exits(Comparison c, SetResult r)
    {
        if (r.ExitDeltas.Count > 0)
        {
            return string.Join(", ", r.ExitDeltas.Take(3).Select(d => $"{d.Reason} {Signed(d.Delta)}"));
        }

        var moved = new List<string>();
        foreach (string m in (string[])["fastpath_share", "vcpu_time_outside_guest"])
        {
            double b = c.Baseline.Runs.Average(x => x.Metric(m));
            double v = r.Runs.Average(x => x.Metric(m));
            if (b != v)
            {
                moved.Add($"{m} {ResultTables.Format(b)} -> {ResultTables.Format(v)}%");
            }
        }

        return moved.Count == 0 ? "no exit rate changed" : "no exit rate changed; " + string.Join(", ", moved);
    }

    private static string Signed(double v) => (v > 0 ? "+" : "") + ResultTables.Format(v);

    private static string WithCi(double pct, double ci, bool deterministic) =>
        Pct(pct) + (double.IsFinite(ci) && !deterministic ? $" +-{ci.ToString("0.0", CultureInfo.InvariantCulture)}" : "");

    private static string Pct(double p) => double.IsFinite(p) ? p.ToString("+0.0;-0.0;0.0", CultureInfo.InvariantCulture) + "%" : "n/a";

    private static string F2(double v) => double.IsFinite(v) ? v.ToString("0.00", CultureInfo.InvariantCulture) : "n/a";

    private static string R(double v) => double.IsFinite(v) ? Math.Round(v, 6).ToString("R", CultureInfo.InvariantCulture) : "";

    private static void Strings(Utf8JsonWriter w, string name, IEnumerable<string> xs)
    {
        w.WriteStartArray(name);
        foreach (string x in xs)
        {
            w.WriteStringValue(x);
        }

        w.WriteEndArray();
    }
}
