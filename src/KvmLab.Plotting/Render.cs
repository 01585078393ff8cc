using ScottPlot;

namespace KvmLab.Plotting;

/// <summary>Shared look and the headless rendering of a plot to SVG and PNG.</summary>
internal static class Render
{
    public const int Width = 900;
    public const int Height = 420;

    public static readonly Color Model = Color.FromHex("#1f77b4");
    public static readonly Color Published = Color.FromHex("#7f7f7f");
    public static readonly Color Band = Color.FromHex("#2ca02c").WithAlpha(0.22);
    public static readonly Color[] Palette = [.. new[] { "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf" }.Select(Color.FromHex)];

    public static ChartImage Image(Plot plot, string name, string caption, int width = Width, int height = Height) =>
        new(name, caption, plot.GetSvgXml(width, height), plot.GetImageBytes(width, height, ImageFormat.Png));

    /// <summary>Category labels under integer positions 0..n-1, slanted when long.</summary>
    public static void Categories(Plot plot, IReadOnlyList<string> labels)
    {
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            [.. Enumerable.Range(0, labels.Count).Select(i => (double)i)], [.. labels]);
        if (labels.Sum(l => l.Length) > 60)
        {
            plot.Axes.Bottom.TickLabelStyle.Rotation = -30;
            plot.Axes.Bottom.TickLabelStyle.Alignment = Alignment.MiddleRight;
            plot.Axes.Bottom.MinimumSize = 10 + (float)(6.5 * labels.Max(l => l.Length) * 0.5); // the slanted labels' height
        }

        plot.Axes.Bottom.MajorTickStyle.Length = 0;
    }

    /// <summary>A translucent band (the tolerance) from x1 to x2 between y1 and y2.</summary>
    public static ScottPlot.Plottables.Rectangle Tolerance(Plot plot, double x1, double x2, double y1, double y2)
    {
        var r = plot.Add.Rectangle(x1, x2, Math.Min(y1, y2), Math.Max(y1, y2));
        r.FillColor = Band;
        r.LineWidth = 0;
        return r;
    }

    public static Bar Bar(double position, double value, double error, Color color) => new()
    {
        Position = position,
        Value = double.IsFinite(value) ? value : 0,
        Error = double.IsFinite(error) ? error : 0,
        FillColor = color,
        Size = 0.38,
    };

    public static void Legend(Plot plot, params (string Text, Color Color)[] items) =>
        plot.ShowLegend([.. items.Select(i => new LegendItem { LabelText = i.Text, FillColor = i.Color })], Alignment.UpperRight);
}
