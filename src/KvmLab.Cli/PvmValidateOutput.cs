using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using KvmLab.Calibration.Pvm;

namespace KvmLab.Cli;

/// <summary>`kvmlab validate` on a PVM profile: per probe measured, predicted, error, fitted and leave-one-out; the medians; as a table or one JSON object.</summary>
internal static class PvmValidateOutput
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static string Table(PvmValidation v)
    {
        var sb = new System.Text.StringBuilder();
        var ic = CultureInfo.InvariantCulture;
        sb.AppendLine(ic, $"VALIDATION (PVM): profile '{v.ProfileId}' vs {v.Measurements}, medians in us");
        sb.AppendLine(ic, $"  {"probe",-36} {"measured",9} {"predicted",10} {"error",8}   {"fitted",8} {"leave-1-out",11} {"LOO error",9}");
        foreach (ProbeValidationRow r in v.Rows)
        {
            sb.AppendLine(ic, $"  {r.Probe + (r.NoiseDominated ? " *" : ""),-36} {Us(r.MeasuredNs),9} {Us(r.PredictedNs),10} {Pct(r.ErrorPercent),8}   {Us(r.FittedNs),8} {Us(r.LeaveOneOutNs),11} {Pct(r.LooErrorPercent),9}");
        }

        sb.AppendLine();
        sb.AppendLine(ic, $"  median |error| over {v.Rows.Count} probes: {v.MedianAbsErrorPercent:0.0}% ({v.MedianAbsErrorPercentWithoutNoise:0.0}% without the * probes: one emulated instruction each, noise-dominated, docs/PVM.md 2.1)");
        sb.AppendLine(ic, $"  refitted to this run: median |error| {v.FitMedianAbsErrorPercent:0.0}%; leave-one-out (each probe predicted by a fit without it): median {v.LooMedianErrorPercent:0.0}%");
        foreach (var s in v.Skipped)
        {
            sb.AppendLine(ic, $"  not compared: {s.Quantity["probe.".Length..]}: {s.Why}");
        }

        return sb.ToString();
    }

    public static string Json(PvmValidation v)
    {
        var probes = new JsonArray();
        foreach (ProbeValidationRow r in v.Rows)
        {
            probes.Add(new JsonObject
            {
                ["probe"] = r.Probe,
                ["measured_ns"] = Math.Round(r.MeasuredNs, 1),
                ["predicted_ns"] = Math.Round(r.PredictedNs, 1),
                ["error_percent"] = Math.Round(r.ErrorPercent, 2),
                ["fitted_ns"] = Math.Round(r.FittedNs, 1),
                ["loo_ns"] = Math.Round(r.LeaveOneOutNs, 1),
                ["loo_error_percent"] = Math.Round(r.LooErrorPercent, 2),
                ["noise_dominated"] = r.NoiseDominated,
            });
        }

        var skipped = new JsonArray();
        foreach (var s in v.Skipped)
        {
            skipped.Add(new JsonObject { ["probe"] = s.Quantity["probe.".Length..], ["why"] = s.Why });
        }

        var root = new JsonObject
        {
            ["profile"] = v.ProfileId,
            ["measurements"] = v.Measurements,
            ["probes"] = probes,
            ["median_abs_error_percent"] = Math.Round(v.MedianAbsErrorPercent, 2),
            ["median_abs_error_percent_without_noise_dominated"] = Math.Round(v.MedianAbsErrorPercentWithoutNoise, 2),
            ["fit_median_abs_error_percent"] = Math.Round(v.FitMedianAbsErrorPercent, 2),
            ["loo_median_error_percent"] = Math.Round(v.LooMedianErrorPercent, 2),
            ["not_compared"] = skipped,
        };
        return root.ToJsonString(Indented);
    }

    private static string Us(double ns) => (ns / 1000).ToString("0.00", CultureInfo.InvariantCulture);

    private static string Pct(double p) => p.ToString("+0;-0", CultureInfo.InvariantCulture) + "%";
}
