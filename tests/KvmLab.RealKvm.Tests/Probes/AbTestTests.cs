using KvmLab.RealKvm.Probes;

namespace KvmLab.RealKvm.Tests.Probes;

public class AbTestTests
{
    private static double[] Noisy(double center, int n, int seed)
    {
        var r = new Random(seed);
        return [.. Enumerable.Range(0, n).Select(_ => center * (1 + ((r.NextDouble() - 0.5) * 0.1)))];
    }

    [Fact]
    public void SameDistribution_IsWithinNoise()
    {
        Comparison c = AbTest.Compare("a", Noisy(1000, 500, 1), "b", Noisy(1000, 500, 2));
        Assert.StartsWith("no difference", c.Verdict, StringComparison.Ordinal);
        Assert.InRange(c.Ratio, 0.98, 1.02);
    }

    [Fact]
    public void TwiceAsSlow_IsSlower()
    {
        Comparison c = AbTest.Compare("a", Noisy(1000, 300, 1), "b", Noisy(2000, 300, 2));
        Assert.StartsWith("b slower", c.Verdict, StringComparison.Ordinal);
        Assert.True(c.PValue < 0.001);
        Assert.InRange(c.RatioLow, 1.9, 2.1);
        Assert.InRange(c.RatioHigh, c.RatioLow, 2.1);
    }

    [Fact]
    public void SignificantButSmall_IsWithinNoise()
    {
        // 2% apart with many samples: statistically different, yet under the 5% noise threshold.
        Comparison c = AbTest.Compare("a", Noisy(1000, 5000, 1), "b", Noisy(1020, 5000, 2));
        Assert.True(c.PValue < 0.01);
        Assert.StartsWith("no difference", c.Verdict, StringComparison.Ordinal);
    }

    [Fact]
    public void NonPositiveMedian_IsNotComparedAsARatio()
    {
        Comparison c = AbTest.Compare("a", Noisy(-10, 50, 1), "b", Noisy(100, 50, 2));
        Assert.StartsWith("not comparable", c.Verdict, StringComparison.Ordinal);
    }

    [Fact]
    public void NotComparable_IsWrittenAsJsonNull()
    {
        ProbeResult a = ProbeResult.Measured("s", "a", "d", Noisy(-10, 50, 1), 0);
        ProbeResult b = ProbeResult.Measured("s", "b", "d", Noisy(100, 50, 2), 0);
        HostEnvironment env = HostEnvironment.Collect(1_000_000, "/nonexistent", "/nonexistent");
        string json = ProbeReport.Json(env, [a, b], [AbTest.Compare("s/a", a.Samples, "s/b", b.Samples)]);
        using var doc = System.Text.Json.JsonDocument.Parse(json);
        Assert.Equal(System.Text.Json.JsonValueKind.Null, doc.RootElement.GetProperty("comparisons")[0].GetProperty("ratio_b_over_a").ValueKind);
    }

    [Fact]
    public void MannWhitney_MatchesTheNormalApproximationByHand()
    {
        // a = {1, 2, 3}, b = {2, 4, 5, 6}: sorted 1 2 2 3 4 5 6, so a's mid-ranks are 1, 2.5 (the tie
        // at 2 shares ranks 2 and 3) and 4; U = 7.5 - 6 = 1.5, mu = 6, sigma = sqrt(3*4*8/12) = sqrt(8),
        // z = -4.5 / sqrt(8) = -1.5910, p = erfc(1.5910 / sqrt(2)) = 0.11161.
        Assert.Equal(0.11161, AbTest.MannWhitneyP([1, 2, 3], [2, 4, 5, 6]), 5);
    }

    [Fact]
    public void MannWhitney_LargeSamples_GiveAPValue()
    {
        // The size where Perfolizer's normal approximation overflows (see AbTest.MannWhitneyP).
        double[] a = [.. Enumerable.Range(0, 5000).Select(i => (double)(i % 97))];
        double[] b = [.. Enumerable.Range(0, 5000).Select(i => (double)((i % 97) + 5))];
        double p = AbTest.MannWhitneyP(a, b);
        Assert.False(double.IsNaN(p));
        Assert.InRange(p, 0, 1e-6);
        Assert.Equal(1, AbTest.MannWhitneyP(a, a));
    }

    [Fact]
    public void MannWhitney_DisjointSamples_TinyP() =>
        Assert.True(AbTest.MannWhitneyP([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], [11, 12, 13, 14, 15, 16, 17, 18, 19, 20]) < 0.001);
}
