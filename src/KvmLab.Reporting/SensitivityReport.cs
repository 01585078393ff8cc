using System.Globalization;
using System.Text;
using System.Text.Json;
using KvmLab.Calibration.Sensitivity;

namespace KvmLab.Reporting;

/// <summary>`kvmlab sensitivity` as a table and as JSON (entries carry `field` and `elasticity`).</summary>
public static class SensitivityReport
{
    public static string Table(SensitivityResult r, int top)
    {
        ArgumentNullException.ThrowIfNull(r);
        var t = new TextTable("rank", "field", "elasticity", "cost (ns)", "source", $"{r.Metric} at -10% / +10%");
        int rank = 0;
        foreach (Elasticity e in r.Fields.Take(top))
        {
            t.Add((++rank).ToString(CultureInfo.InvariantCulture), e.Field, e.Value.ToString("+0.000;-0.000;0.000", CultureInfo.InvariantCulture),
                ResultTables.Format(e.CostNs), e.Source.Label, $"{ResultTables.Format(e.MetricLow)} / {ResultTables.Format(e.MetricHigh)}");
        }

        int zero = r.Fields.Count(e => e.Value == 0);
        string rest = r.Fields.Count > top ? $"\n{r.Fields.Count - top} more fields not shown ({zero} with no effect); --top {r.Fields.Count} lists all" : "";
        return $"{r.Scenario}: {r.Metric} = {ResultTables.Format(r.Value)} {r.Unit} on profile {r.Profile}; elasticity = d ln({r.Metric}) / d ln(cost), "
            + $"central difference at +-{SensitivityAnalysis.Step * 100:0}%\n\n" + t + rest;
    }

    public static string Json(SensitivityResult r)
    {
        ArgumentNullException.ThrowIfNull(r);
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms))
        {
            w.WriteStartObject();
            w.WriteString("scenario", r.Scenario);
            w.WriteString("metric", r.Metric);
            w.WriteString("unit", r.Unit);
            w.WriteNumber("value", Math.Round(r.Value, 6));
            w.WriteString("profile", r.Profile);
            w.WriteNumber("step", SensitivityAnalysis.Step);
            w.WriteStartArray("fields");
            foreach (Elasticity e in r.Fields)
            {
                w.WriteStartObject();
                w.WriteString("field", e.Field);
                w.WriteNumber("elasticity", Math.Round(e.Value, 6));
                w.WriteNumber("cost_ns", Math.Round(e.CostNs, 3));
                w.WriteString("source", e.Source.Label);
                w.WriteString("source_detail", e.Source.Detail);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(ms.ToArray());
    }
}
