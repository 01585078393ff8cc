using System.Globalization;
using KvmLab.Scenarios;
using KvmLab.Sweeps;
using ScottPlot;

namespace KvmLab.Plotting;

/// <summary>
/// A chart of a results table (a sweep's CSV): y against x, one series per value of the 'by'
/// column. Rows with the same x and series (seeds, replications) are averaged; the whiskers show
/// their minimum and maximum, and the caption says so.
/// </summary>
public static class TablePlot
{
    /// <param name="warn">Told, once per parameter, when a mark averages rows of a results table that differ in a grid parameter other than the seed.</param>
    public static ChartImage Draw(CsvTable t, string x, string y, string? by, PlotKind kind, string name, Action<string>? warn = null)
    {
        ArgumentNullException.ThrowIfNull(t);
        int xi = t.Column(x, "--x");
        int yi = t.Column(y, "--y");
        int bi = by is null ? -1 : t.Column(by, "--by");
        if (t.Rows.Count == 0)
        {
            throw new ScenarioException($"{t.File}: no rows to plot");
        }

        var ys = new double[t.Rows.Count];
        for (int r = 0; r < t.Rows.Count; r++)
        {
            if (!double.TryParse(t.Rows[r][yi], NumberStyles.Float, CultureInfo.InvariantCulture, out ys[r]))
            {
                throw new ScenarioException($"{t.File}:{t.Lines[r]}: {y}: '{t.Rows[r][yi]}' is not a number (--y needs a numeric column)");
            }
        }

        bool numericX = t.Rows.All(r => double.TryParse(r[xi], NumberStyles.Float, CultureInfo.InvariantCulture, out _));
        if (kind == PlotKind.Line && !numericX)
        {
            int bad = t.Rows.ToList().FindIndex(r => !double.TryParse(r[xi], NumberStyles.Float, CultureInfo.InvariantCulture, out _));
            throw new ScenarioException($"{t.File}:{t.Lines[bad]}: {x}: '{t.Rows[bad][xi]}' is not a number; a line plot needs a numeric --x (use --kind bar)");
        }

        // x categories: numeric order when numeric, else first appearance; series: first appearance.
        List<string> xs = numericX
            ? [.. t.Rows.Select(r => r[xi]).Distinct().OrderBy(v => double.Parse(v, CultureInfo.InvariantCulture))]
            : [.. t.Rows.Select(r => r[xi]).Distinct()];
        List<string> series = bi < 0 ? [""] : [.. t.Rows.Select(r => r[bi]).Distinct()];
        var groups = t.Rows.Select((r, i) => (X: r[xi], S: bi < 0 ? "" : r[bi], Y: ys[i]))
            .GroupBy(g => (g.X, g.S))
            .ToDictionary(g => g.Key, g => (Mean: g.Average(v => v.Y), Min: g.Min(v => v.Y), Max: g.Max(v => v.Y), N: g.Count()));
        int maxN = groups.Values.Max(g => g.N);
        if (warn is not null)
        {
            foreach (string w in MixedParameters(t, xi, bi))
            {
                warn(w);
            }
        }

        var plot = new Plot();
        var legend = new List<LegendItem>();
        double width = 0.8 / series.Count;
        for (int s = 0; s < series.Count; s++)
        {
            Color c = Render.Palette[s % Render.Palette.Length];
            var pts = xs.Select((xv, i) => (I: i, X: xv, G: groups.TryGetValue((xv, series[s]), out var g) ? g : default((double, double, double, int)?)))
                .Where(p => p.G is not null)
                .Select(p => (p.I, X: numericX ? double.Parse(p.X, CultureInfo.InvariantCulture) : p.I, G: p.G!.Value))
                .ToList();
            if (kind == PlotKind.Line)
            {
                var sc = plot.Add.Scatter(pts.Select(p => p.X).ToArray(), pts.Select(p => p.G.Item1).ToArray(), c);
                sc.LineWidth = 2;
                sc.MarkerSize = 6;
                if (maxN > 1)
                {
                    var eb = plot.Add.ErrorBar(pts.Select(p => p.X).ToList(), pts.Select(p => p.G.Item1).ToList(), pts.Select(_ => 0.0).ToList());
                    eb.YErrorPositive = pts.Select(p => p.G.Item3 - p.G.Item1).ToList();
                    eb.YErrorNegative = pts.Select(p => p.G.Item1 - p.G.Item2).ToList();
                    eb.Color = c;
                }
            }
            else
            {
                double offset = -0.4 + width * (s + 0.5);
                var bars = pts.Select(p => new Bar
                {
                    Position = p.I + offset,
                    Value = p.G.Item1,
                    Size = width * 0.9,
                    FillColor = c,
                    Error = 0,
                }).ToList();
                plot.Add.Bars(bars);
                if (maxN > 1)
                {
                    var eb = plot.Add.ErrorBar(pts.Select(p => p.I + offset).ToList(), pts.Select(p => p.G.Item1).ToList(), pts.Select(_ => 0.0).ToList());
                    eb.YErrorPositive = pts.Select(p => p.G.Item3 - p.G.Item1).ToList();
                    eb.YErrorNegative = pts.Select(p => p.G.Item1 - p.G.Item2).ToList();
                    eb.Color = Colors.Black;
                }
            }

            if (bi >= 0)
            {
                legend.Add(new LegendItem { LabelText = $"{by}={series[s]}", FillColor = c, LineColor = c });
            }
        }

        if (kind == PlotKind.Bar)
        {
            Render.Categories(plot, xs);
            plot.Axes.Margins(bottom: 0);
        }

        if (legend.Count > 0)
        {
            plot.ShowLegend(legend, Alignment.UpperRight);
        }

        plot.Axes.Bottom.Label.Text = x;
        plot.Axes.Left.Label.Text = y;
        string caption = $"{y} against {x}{(by is null ? "" : $" by {by}")} from {Path.GetFileName(t.File)} ({t.Rows.Count} rows)"
            + (maxN > 1 ? $"; each mark is the mean of up to {maxN} rows, whiskers their minimum and maximum" : "");
        plot.Title(caption.Length > 90 ? $"{y} against {x}" : caption);
        return Render.Image(plot, name, caption);
    }

    /// <summary>
    /// Grid parameters (a results table's 'parameters' column) that vary within one mark: those rows
    /// are averaged as if they were repeats, which they are not. Seeds and replications are repeats.
    /// </summary>
    private static IEnumerable<string> MixedParameters(CsvTable t, int xi, int bi)
    {
        int pi = t.Header.ToList().IndexOf("parameters");
        if (pi < 0)
        {
            yield break; // not a kvmlab results table: parameters and metrics cannot be told apart
        }

        var names = t.Rows.SelectMany(r => r[pi].Split(';', StringSplitOptions.RemoveEmptyEntries)).Distinct(StringComparer.Ordinal).ToList();
        foreach (string n in names)
        {
            int ci = t.Header.ToList().IndexOf(n);
            if (ci < 0 || ci == xi || ci == bi || n == "seed")
            {
                continue;
            }

            bool mixed = t.Rows.GroupBy(r => (r[xi], bi < 0 ? "" : r[bi])).Any(g => g.Select(r => r[ci]).Distinct(StringComparer.Ordinal).Skip(1).Any());
            if (mixed)
            {
                string values = string.Join(", ", t.Rows.Select(r => r[ci]).Distinct(StringComparer.Ordinal).Take(6));
                yield return $"each mark averages rows that differ in {n} ({values}); add --by {n}, or plot a table filtered to one value";
            }
        }
    }
}
