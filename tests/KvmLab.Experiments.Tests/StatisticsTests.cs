namespace KvmLab.Experiments.Tests;

/// <summary>The change's interval from paired replications (common random numbers).</summary>
public class StatisticsTests
{
    [Fact]
    public void PairedChange_ProportionalPairs_HaveNoSpread()
    {
        // Every replication moves by exactly -10%: the phase or start both variants share cancels.
        double[] b = [2.77, 2.77, 5.10, 2.77, 2.80];
        double[] x = [.. b.Select(v => v * 0.9)];
        Assert.Equal(0, Statistics.PairedChangeCi95Points(b, x), 9);
    }

    [Fact]
    public void PairedChange_SharedNoise_IsNarrowerThanIndependentIntervals()
    {
        double[] b = [2.77, 2.77, 5.10, 2.77, 2.80];
        double[] x = [2.55, 2.56, 4.80, 2.54, 2.60];
        var (mb, hb) = Statistics.MeanCi(b);
        var (mx, hx) = Statistics.MeanCi(x);
        double independent = 100 * mx / mb * Math.Sqrt(Math.Pow(hx / mx, 2) + Math.Pow(hb / mb, 2));
        double paired = Statistics.PairedChangeCi95Points(b, x);
        Assert.True(paired < independent / 10, $"paired {paired} vs independent {independent}");
        Assert.True(paired > 0);
    }

    [Fact]
    public void PairedChange_MatchesTheDeltaMethodByHand()
    {
        double[] b = [10, 12];
        double[] x = [9, 12];
        // R = 21/22; d = 9 - 10R, 12 - 12R; sd(d) = |d1 - d2| / sqrt(2); t(0.975, 1) = 12.7062.
        double r = 21.0 / 22.0;
        double d1 = 9 - 10 * r, d2 = 12 - 12 * r;
        double expected = 100 * 12.706204736 * (Math.Abs(d1 - d2) / Math.Sqrt(2)) / Math.Sqrt(2) / 11;
        Assert.Equal(expected, Statistics.PairedChangeCi95Points(b, x), 6);
    }

    [Fact]
    public void PairedChange_NeedsTwoEqualCountsOfPairs()
    {
        Assert.True(double.IsNaN(Statistics.PairedChangeCi95Points([1.0], [2.0])));
        Assert.True(double.IsNaN(Statistics.PairedChangeCi95Points([1.0, 2.0], [2.0, 3.0, 4.0])));
    }
}
