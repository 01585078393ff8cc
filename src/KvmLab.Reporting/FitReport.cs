using System.Globalization;
using System.Text;
using System.Text.Json;
using KvmLab.Calibration.Fit;

namespace KvmLab.Reporting;

/// <summary>`kvmlab fit` as tables and as JSON (loo_median_error_percent, entries, fields, skipped).</summary>
public static class FitReport
{
    public static string Table(FitResult r)
    {
        ArgumentNullException.ThrowIfNull(r);
        var e = new TextTable("entry", "quantity", "measured", "prior", "fitted", "error", "leave-one-out");
        foreach (FitEntryRow x in r.Entries)
        {
            // A bound has no error to report, only whether it holds.
            string Err(double pct, double value) => !x.IsBound ? Pct(pct) : (x.Unit, value >= x.Measured) switch { (_, true) => "bound met", _ => "BOUND VIOLATED" };
            e.Add(x.Id + (x.IsBound ? " (bound)" : x.IsFixed ? " (table)" : ""), x.Quantity, F(x.Measured), F(x.Prior), F(x.Fitted), Err(x.ErrorPercent, x.Fitted), Err(x.LooErrorPercent, x.LeaveOneOut));
        }

        var f = new TextTable("field", "estimate (ns)", "fitted (ns)", "change", "informed by");
        foreach (FitFieldRow x in r.Fields.Where(x => x.Identified))
        {
            f.Add(x.Field, F(x.PriorNs), F(x.FittedNs), Pct(100 * (x.FittedNs - x.PriorNs) / x.PriorNs),
                string.Join(", ", x.InformedBy) + (x.TogetherWith is null ? "" : $"; only with {x.TogetherWith}"));
        }

        var b = new StringBuilder();
        b.Append(CultureInfo.InvariantCulture, $"fit of {r.BaseProfile} to {r.Catalog}: {r.Entries.Count} entries, {r.Skipped.Count} left out, {r.SimulationRuns} simulation runs\n");
        if (r.Transfer is { } t)
        {
            b.Append(CultureInfo.InvariantCulture, $"{t}\n");
        }

        b.Append(CultureInfo.InvariantCulture, $"median |error|: estimates {r.PriorMedianErrorPercent:0.0}%, fitted {r.MedianErrorPercent:0.0}%, leave-one-out {r.LooMedianErrorPercent:0.0}%\n\n");
        b.Append(e).Append("\n\nfields the catalog identifies:\n").Append(f);
        string[] unidentified = [.. r.Fields.Where(x => !x.Identified).Select(x => x.Field)];
        b.Append(CultureInfo.InvariantCulture, $"\n\n{unidentified.Length} fields the catalog cannot identify (kept at their estimates): {string.Join(", ", unidentified)}\n");
        if (r.Skipped.Count > 0)
        {
            b.Append("\nentries left out:\n");
            foreach (SkippedEntry s in r.Skipped)
            {
                b.Append(CultureInfo.InvariantCulture, $"  {s.Id} ({s.Quantity}): {s.Why}\n");
            }
        }

        return b.ToString().TrimEnd();
    }

    public static string Json(FitResult r)
    {
        ArgumentNullException.ThrowIfNull(r);
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms))
        {
            w.WriteStartObject();
            w.WriteString("catalog", r.Catalog);
            w.WriteString("base_profile", r.BaseProfile);
            if (r.Transfer is { } transfer)
            {
                w.WriteString("transfer", transfer);
            }
            Num(w, "prior_median_error_percent", r.PriorMedianErrorPercent);
            Num(w, "median_error_percent", r.MedianErrorPercent);
            Num(w, "loo_median_error_percent", r.LooMedianErrorPercent);
            w.WriteNumber("simulation_runs", r.SimulationRuns);
            w.WriteStartArray("entries");
            foreach (FitEntryRow x in r.Entries)
            {
                w.WriteStartObject();
                w.WriteString("id", x.Id);
                w.WriteString("quantity", x.Quantity);
                w.WriteString("unit", x.Unit);
                w.WriteBoolean("bound", x.IsBound);
                w.WriteBoolean("table_value", x.IsFixed);
                Num(w, "measured", x.Measured);
                Num(w, "prior", x.Prior);
                Num(w, "fitted", x.Fitted);
                Num(w, "error_percent", x.ErrorPercent);
                Num(w, "loo_predicted", x.LeaveOneOut);
                Num(w, "loo_error_percent", x.LooErrorPercent);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteStartArray("fields");
            foreach (FitFieldRow x in r.Fields)
            {
                w.WriteStartObject();
                w.WriteString("field", x.Field);
                Num(w, "estimate_ns", x.PriorNs);
                Num(w, "fitted_ns", x.FittedNs);
                Num(w, "low_ns", x.LowNs);
                Num(w, "high_ns", x.HighNs);
                w.WriteBoolean("identified", x.Identified);
                w.WriteStartArray("informed_by");
                foreach (string id in x.InformedBy)
                {
                    w.WriteStringValue(id);
                }

                w.WriteEndArray();
                if (x.TogetherWith is not null)
                {
                    w.WriteString("identified_only_with", x.TogetherWith);
                }

                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteStartArray("skipped");
            foreach (SkippedEntry s in r.Skipped)
            {
                w.WriteStartObject();
                w.WriteString("id", s.Id);
                w.WriteString("quantity", s.Quantity);
                w.WriteString("why", s.Why);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(ms.ToArray());
    }

    private static string F(double v) => ResultTables.Format(v);

    private static string Pct(double p) => double.IsFinite(p) ? p.ToString("+0.0;-0.0;0.0", CultureInfo.InvariantCulture) + "%" : "n/a";

    private static void Num(Utf8JsonWriter w, string name, double v)
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
