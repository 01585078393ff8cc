using KvmLab.Experiments.Compare;
using ScottPlot;

namespace KvmLab.Plotting;

/// <summary>
/// `kvmlab compare --plot`: the ranked sets' change in the metric against the baseline (95%
/// intervals), beside the pCPU cores each keeps busy, so the latency-for-CPU trade is one picture.
/// </summary>
public static class CompareCharts
{
    public static ChartImage Chart(Comparison c)
    {
        ArgumentNullException.ThrowIfNull(c);
        var sets = c.Ranked.Where(r => r.Set.Kind != "baseline").ToList();
        var plot = new Plot();
        var bars = new List<Bar>();
        for (int i = 0; i < sets.Count; i++)
        {
            SetResult r = sets[i];
            bool better = c.HigherIsBetter ? r.ChangePercent > 0 : r.ChangePercent < 0;
            Color color = r.ChangesNothing ? Render.Published : better ? Render.Palette[2] : Render.Palette[3];
            double ci = r.Metric.Deterministic || !double.IsFinite(r.ChangeCi95Points) ? 0 : r.ChangeCi95Points;
            bars.Add(Render.Bar(i - 0.2, r.ChangePercent, ci, color));
            // Cores on the same axis as a percentage of the baseline's, so "burns twice the CPU" reads +100%.
            double cores = 100.0 * (r.CpuCores - c.Baseline.CpuCores) / c.Baseline.CpuCores;
            bars.Add(Render.Bar(i + 0.2, double.IsFinite(cores) ? cores : 0, 0, Render.Palette[1]));
        }

        plot.Add.Bars(bars);
        plot.Add.HorizontalLine(0, 1, Colors.Black);
        Render.Categories(plot, [.. sets.Select(r => r.Set.Name)]);
        plot.Axes.Left.Label.Text = "change against the baseline (%)";
        plot.Title($"{c.Scenario}: {c.Metric} ({(c.HigherIsBetter ? "higher" : "lower")} is better), ranked");
        Render.Legend(plot, ($"{c.Metric}: better", Render.Palette[2]), ($"{c.Metric}: worse", Render.Palette[3]),
            ("changes nothing", Render.Published), ("pCPU cores busy", Render.Palette[1]));
        int width = Math.Clamp(48 * sets.Count, 800, 1600);
        return Render.Image(plot, "compare-" + c.Scenario,
            $"{c.Scenario}: change in {c.Metric} per feature set against the baseline (95% intervals), best first, beside the change in pCPU cores kept busy.", width, 480);
    }
}
