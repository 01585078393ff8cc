using System.Globalization;
using KvmLab.Experiments;

namespace KvmLab.Plotting.Tests;

/// <summary>The charts are drawn from the result's own numbers: titles and captions carry the same verdict and figures as the table.</summary>
public sealed class ExperimentChartsTests
{
    private static readonly byte[] PngSignature = [0x89, 0x50, 0x4E, 0x47];

    internal static ExperimentResult Pair { get; } = ExperimentRunner.Run(ExperimentCatalog.Find("ipi-fastpath-unittest")!, 20201209);

    internal static ExperimentResult Ladder { get; } = ExperimentRunner.Run(ExperimentCatalog.Find("nvme-qd1-ladder")!, 20201209);

    [Fact]
    public void PairExperiment_HasChangeValuesAndExitCharts()
    {
        IReadOnlyList<ChartImage> charts = ExperimentCharts.For(Pair);
        Assert.Equal(["ipi-fastpath-unittest.change", "ipi-fastpath-unittest.values", "ipi-fastpath-unittest.exits"], charts.Select(c => c.Name));
        foreach (ChartImage c in charts)
        {
            Assert.StartsWith("<?xml", c.Svg, StringComparison.Ordinal);
            Assert.Contains("<svg", c.Svg, StringComparison.Ordinal);
            Assert.Equal(PngSignature, c.Png.Take(4));
        }
    }

    [Fact]
    public void ChangeChart_SaysWhatTheTableSays()
    {
        ChartImage change = ExperimentCharts.For(Pair)[0];
        string pct = Pair.ModelChangePercent.ToString("+0.0;-0.0;0.0", CultureInfo.InvariantCulture) + "%";
        Assert.Contains($"({pct})", change.Caption, StringComparison.Ordinal);
        Assert.Contains(pct, KvmLab.Reporting.ExperimentReport.Table(Pair), StringComparison.Ordinal);
        Assert.Contains($"+-{Pair.Experiment.Tolerance.ToString("0.#", CultureInfo.InvariantCulture)} points", change.Caption, StringComparison.Ordinal);
    }

    [Fact]
    public void Ladder_HasPerConfigurationBarsAndTheBreakdown()
    {
        IReadOnlyList<ChartImage> charts = ExperimentCharts.For(Ladder);
        Assert.Equal([Ladder.Experiment.Id, Ladder.Experiment.Id + ".breakdown"], charts.Select(c => c.Name));
        foreach (VariantResult r in Ladder.Variants)
        {
            Assert.Contains(r.Name, charts[0].Svg, StringComparison.Ordinal); // each configuration is labelled
        }
    }
}
