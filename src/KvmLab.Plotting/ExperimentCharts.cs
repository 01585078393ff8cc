using System.Globalization;
using KvmLab.Experiments;
using KvmLab.Scenarios;
using ScottPlot;

namespace KvmLab.Plotting;

/// <summary>
/// The pictures of an experiment, drawn from the same numbers as its table: the model's change
/// beside the published one with the tolerance band; the values beside the published values where
/// the source gives them; the exit breakdown per variant. For a ladder: each configuration's model
/// value (95% interval) beside the published bar and its band, and the per-request latency breakdown.
/// </summary>
public static class ExperimentCharts
{
    public static IReadOnlyList<ChartImage> For(ExperimentResult x)
    {
        ArgumentNullException.ThrowIfNull(x);
        Experiment e = x.Experiment;
        var charts = new List<ChartImage>();
        if (e.JudgedPerVariant)
        {
            // A ladder: each configuration beside its published bar, and where the time goes.
            charts.Add(Ladder(x));
            if (e.Breakdown.Count > 0)
            {
                charts.Add(LadderBreakdown(x));
            }

            return charts;
        }

        if (e.ToleranceOn == ToleranceKind.ChangePoints)
        {
            charts.Add(Change(x));
        }

        if (e.Baseline.Published is double pb && e.Optimized.Published is double po)
        {
            charts.Add(Values(x, pb, po));
        }

        if (Exits(x) is { } exits)
        {
            charts.Add(exits);
        }

        return charts;
    }

    private static ChartImage Change(ExperimentResult x)
    {
        Experiment e = x.Experiment;
        var plot = new Plot();
        double pub = e.PublishedChangePercent ?? double.NaN;
        Render.Tolerance(plot, -0.5, 1.5, pub - e.Tolerance, pub + e.Tolerance);
        plot.Add.Bars(new[] { Render.Bar(0, x.ModelChangePercent, x.ModelChangeCi95Points, Render.Model), Render.Bar(1, pub, 0, Render.Published) });
        plot.Add.HorizontalLine(0, 1, Colors.Black);
        Render.Categories(plot, ["model", "published"]);
        plot.Axes.Left.Label.Text = $"change in {e.Metric} (%)";
        plot.Title($"{e.Id}: {x.Outcome.Words()}");
        Render.Legend(plot, ("model (95% interval)", Render.Model), ("published", Render.Published),
            ($"tolerance +-{F(e.Tolerance)} pts", Render.Band));
        return Render.Image(plot, e.Id + ".change",
            $"{e.Id}: the model's change in {e.Metric} ({Pct(x.ModelChangePercent)}) beside the published {Pct(pub)}; the band is the tolerance of +-{F(e.Tolerance)} points.");
    }

    private static ChartImage Values(ExperimentResult x, double pb, double po)
    {
        Experiment e = x.Experiment;
        var plot = new Plot();
        var groups = new[] { (x.Baseline, pb), (x.Optimized, po) };
        for (int i = 0; i < groups.Length; i++)
        {
            if (e.ToleranceOn == ToleranceKind.EachValuePercent)
            {
                double tol = e.Tolerance / 100 * Math.Abs(groups[i].Item2);
                Render.Tolerance(plot, i - 0.45, i + 0.45, groups[i].Item2 - tol, groups[i].Item2 + tol);
            }
        }

        plot.Add.Bars(groups.SelectMany((g, i) => new[]
        {
            Render.Bar(i - 0.2, g.Item1.Mean, g.Item1.Ci95, Render.Model),
            Render.Bar(i + 0.2, g.Item2, 0, Render.Published),
        }).ToArray());
        Render.Categories(plot, [x.Baseline.Name, x.Optimized.Name]);
        plot.Axes.Left.Label.Text = $"{e.Metric} ({e.Unit})";
        plot.Axes.Margins(bottom: 0);
        plot.Title(e.ToleranceOn == ToleranceKind.EachValuePercent ? $"{e.Id}: {x.Outcome.Words()}" : $"{e.Id}: values");
        var legend = new List<(string, Color)> { ("model (95% interval)", Render.Model), ("published", Render.Published) };
        if (e.ToleranceOn == ToleranceKind.EachValuePercent)
        {
            legend.Add(($"tolerance +-{F(e.Tolerance)}%", Render.Band));
        }

        Render.Legend(plot, [.. legend]);
        return Render.Image(plot, e.Id + ".values",
            $"{e.Id}: {e.Metric} per variant, model beside published"
            + (e.ToleranceOn == ToleranceKind.EachValuePercent ? $"; the bands are the tolerance of +-{F(e.Tolerance)}% of each published value." : " (the verdict is on the change)."));
    }

    private static ChartImage? Exits(ExperimentResult x)
    {
        var names = x.Baseline.Runs[0].Metrics.Select(m => m.Name)
            .Where(n => n.StartsWith("exits_per_s.", StringComparison.Ordinal) && n != "exits_per_s.total")
            .Select(n => (Name: n, B: Mean(x.Baseline.Runs, n), O: Mean(x.Optimized.Runs, n)))
            .Where(t => t.B != 0 || t.O != 0)
            .ToList();
        if (names.Count == 0)
        {
            return null;
        }

        Color optimized = Render.Palette[1];
        var plot = new Plot();
        plot.Add.Bars(names.SelectMany((t, i) => new[] { Render.Bar(i - 0.2, t.B, 0, Render.Model), Render.Bar(i + 0.2, t.O, 0, optimized) }).ToArray());
        Render.Categories(plot, [.. names.Select(t => t.Name["exits_per_s.".Length..])]);
        plot.Axes.Left.Label.Text = "VM exits per second";
        plot.Axes.Margins(bottom: 0);
        plot.Title($"{x.Experiment.Id}: exits by reason");
        Render.Legend(plot, (x.Baseline.Name, Render.Model), (x.Optimized.Name, optimized));
        return Render.Image(plot, x.Experiment.Id + ".exits", $"{x.Experiment.Id}: VM exits per second by reason, mean over the replications, per variant.");
    }

    private static ChartImage Ladder(ExperimentResult x)
    {
        Experiment e = x.Experiment;
        var plot = new Plot();
        for (int i = 0; i < x.Variants.Count; i++)
        {
            double p = (x.Variants[i].Variant.Published ?? double.NaN);
            double tol = e.Tolerance / 100 * Math.Abs(p);
            Render.Tolerance(plot, i - 0.45, i + 0.45, p - tol, p + tol);
        }

        plot.Add.Bars(x.Variants.SelectMany((r, i) => new[]
        {
            Render.Bar(i - 0.2, r.Mean, r.Ci95, Render.Model),
            Render.Bar(i + 0.2, r.Variant.Published ?? double.NaN, 0, Render.Published),
        }).ToArray());
        Render.Categories(plot, [.. x.Variants.Select(r => r.Name)]);
        plot.Axes.Left.Label.Text = $"{e.Metric} ({e.Unit})";
        plot.Axes.Margins(bottom: 0);
        string verdict = !x.Comparable ? "setup differs (published for reference)" : x.Reproduced ? "reproduced" : $"{x.Outcome.Words()} ({x.VariantsWithinTolerance}/{x.Variants.Count} within tolerance)";
        plot.Title($"{e.Id}: {verdict}");
        Render.Legend(plot, ("model (95% interval)", Render.Model), ("published", Render.Published), ($"tolerance +-{F(e.Tolerance)}%", Render.Band));
        return Render.Image(plot, e.Id, $"{e.Id}: {e.Metric} per configuration, model beside published; the bands are +-{F(e.Tolerance)}% of each published value.", 1000, 460);
    }

    private static ChartImage LadderBreakdown(ExperimentResult x)
    {
        Experiment e = x.Experiment;
        var plot = new Plot();
        var bottoms = new double[x.Variants.Count];
        var legend = new List<(string, Color)>();
        for (int k = 0; k < e.Breakdown.Count; k++)
        {
            string m = e.Breakdown[k];
            Color c = Render.Palette[k % Render.Palette.Length];
            var bars = new List<Bar>();
            for (int i = 0; i < x.Variants.Count; i++)
            {
                double v = x.Variants[i].Metrics.GetValueOrDefault(m, double.NaN);
                v = double.IsFinite(v) ? v : 0;
                bars.Add(new Bar { Position = i, ValueBase = bottoms[i], Value = bottoms[i] + v, FillColor = c, Size = 0.6 });
                bottoms[i] += v;
            }

            plot.Add.Bars(bars);
            legend.Add((m, c));
        }

        Render.Categories(plot, [.. x.Variants.Select(r => r.Name)]);
        plot.Axes.Left.Label.Text = "mean latency per request (us)";
        plot.Axes.Margins(bottom: 0);
        plot.Title($"{e.Id}: where each request's time goes");
        Render.Legend(plot, [.. legend]);
        return Render.Image(plot, e.Id + ".breakdown", $"{e.Id}: per-request latency by phase (model, mean over replications); the phases sum to the mean latency.", 1000, 460);
    }

    private static double Mean(IReadOnlyList<RunResult> runs, string metric) => runs.Average(r => r.Metric(metric));

    private static string F(double v) => v.ToString("0.#", CultureInfo.InvariantCulture);

    private static string Pct(double v) => double.IsFinite(v) ? v.ToString("+0.0;-0.0;0.0", CultureInfo.InvariantCulture) + "%" : "n/a";
}
