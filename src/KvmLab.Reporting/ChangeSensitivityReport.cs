using System.Globalization;
using System.Text;
using System.Text.Json;
using KvmLab.Calibration.Sensitivity;

namespace KvmLab.Reporting;

/// <summary>`kvmlab sensitivity &lt;experiment&gt;`: what each cost does to a row's change, and what one field alone would take to reach the published change.</summary>
public static class ChangeSensitivityReport
{
    public static string Table(ChangeSensitivityResult r, int top)
    {
        ArgumentNullException.ThrowIfNull(r);
        var inv = CultureInfo.InvariantCulture;
        var t = new TextTable("rank", "field", "pts per +10%", "cost (ns)", "source", "change at -10% / +10%", "factor to reach published", "verdict");
        int rank = 0;
        foreach (ChangeElasticity e in r.Fields.Take(top))
        {
            string slope = (e.PointsPerUnit * SensitivityAnalysis.Step).ToString("+0.00;-0.00;0.00", inv)
                + (double.IsFinite(e.SlopeCi95) ? " +-" + (e.SlopeCi95 * SensitivityAnalysis.Step).ToString("0.00", inv) : "");
            t.Add((++rank).ToString(inv), e.Field, slope,
                ResultTables.Format(e.CostNs), e.Source.Label, string.Create(inv, $"{e.ChangeLow:+0.0;-0.0;0.0}% / {e.ChangeHigh:+0.0;-0.0;0.0}%"),
                e.FactorNeeded is { } f && e.Verdict is not (ReachVerdict.Nonlinear or ReachVerdict.WithinNoise) ? Factor(f) : "-", Describe(e.Verdict));
        }

        string head = string.Create(inv, $"{r.Row}: {r.Metric} change {r.ChangePercent:+0.0;-0.0;0.0}% on profile {r.Profile}")
            + (r.PublishedPercent is { } pub ? string.Create(inv, $", published {pub:+0.0;-0.0;0.0}%") : "")
            + "; each field scaled by -10% and +10% in both variants ("
            + (r.Replications == 1 ? "same seed" : string.Create(inv, $"means over {r.Replications} paired replications each")) + ")";
        int allowed = r.Fields.Count(e => e.Verdict == ReachVerdict.Allowed);
        string tail = r.PublishedPercent is null ? "" : allowed == 0
            ? "\nNo single cost can reach the published change within what its source allows: a missing mechanism or a different setup, not a cost, is the gap (a finding)."
            : $"\n{allowed} field(s) could reach it alone within what their source allows (linear extrapolation; check by running with the factor).";
        int jumpy = r.Fields.Count(e => e.Verdict == ReachVerdict.Nonlinear);
        if (jumpy > 0)
        {
            tail += $"\n{jumpy} field(s) move the change non-monotonically: a 10% cost change reorders events and the change jumps (seed-sensitive dynamics); "
                + (r.Replications == 1
                    ? "read their slopes only over replications (sensitivity --replications N), not from this one seed."
                    : string.Create(inv, $"even over {r.Replications} replications; more replications, or none of these slopes is a route."));
        }

        int noisy = r.Fields.Count(e => e.Verdict == ReachVerdict.WithinNoise);
        if (noisy > 0)
        {
            tail += string.Create(inv, $"\n{noisy} field(s) have a slope within its own 95% interval over the {r.Replications} paired replications: indistinguishable from no effect at this precision.");
        }

        string rest = r.Fields.Count > top ? $"\n{r.Fields.Count - top} more fields not shown; --top {r.Fields.Count} lists all" : "";
        return head + "\n\n" + t + rest + tail;
    }

    public static string Json(ChangeSensitivityResult r)
    {
        ArgumentNullException.ThrowIfNull(r);
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms))
        {
            w.WriteStartObject();
            w.WriteString("experiment", r.Row);
            w.WriteString("metric", r.Metric);
            w.WriteNumber("replications", r.Replications);
            if (double.IsFinite(r.ChangePercent))
            {
                w.WriteNumber("change_percent", Math.Round(r.ChangePercent, 6));
            }
            else
            {
                w.WriteNull("change_percent"); // the baseline did no work
            }

            if (r.PublishedPercent is { } pub)
            {
                w.WriteNumber("published_change_percent", pub);
            }

            w.WriteString("profile", r.Profile);
            w.WriteNumber("step", SensitivityAnalysis.Step);
            w.WriteStartArray("fields");
            foreach (ChangeElasticity e in r.Fields)
            {
                w.WriteStartObject();
                w.WriteString("field", e.Field);
                w.WriteNumber("change_points_per_unit", Math.Round(e.PointsPerUnit, 6));
                if (double.IsFinite(e.SlopeCi95))
                {
                    w.WriteNumber("change_points_per_unit_ci95", Math.Round(e.SlopeCi95, 6));
                }

                w.WriteNumber("cost_ns", Math.Round(e.CostNs, 3));
                w.WriteString("source", e.Source.Label);
                if (e.FactorNeeded is { } f && double.IsFinite(f))
                {
                    w.WriteNumber("factor_needed", Math.Round(f, 6));
                }

                w.WriteString("verdict", e.Verdict.ToString());
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(ms.ToArray());
    }

    private static string Factor(double f) => f switch
    {
        <= 0 => "none (wrong sign)",
        >= 1000 or < 0.001 => f >= 1000 ? "x>1000" : "x<0.001",
        _ => "x" + f.ToString(f >= 10 ? "0" : "0.00", CultureInfo.InvariantCulture),
    };

    private static string Describe(ReachVerdict v) => v switch
    {
        ReachVerdict.NoEffect => "no effect",
        ReachVerdict.WrongSign => "moves the other way",
        ReachVerdict.Measured => "measured: cannot move",
        ReachVerdict.Fitted => "fitted: beyond its fit",
        ReachVerdict.BeyondBand => "estimate: beyond x/4..x4",
        ReachVerdict.Nonlinear => "not monotone: no slope",
        ReachVerdict.WithinNoise => "within its noise: no slope",
        _ => "within its source's range",
    };
}
