using KvmLab.Engine.Stats;

namespace KvmLab.Engine.Tests.Stats;

public class LatencyHistogramTests
{
    [Fact]
    public void CountMinMaxMean_AreExact()
    {
        var h = new LatencyHistogram("lat");
        long[] values = [1_234_567, 3, 999_999_999, 42, 42, 0, 77_777];
        foreach (long v in values)
        {
            h.Record(v);
        }

        Assert.Equal("lat", h.Name);
        Assert.Equal(values.Length, h.Count);
        Assert.Equal(0, h.MinNs);
        Assert.Equal(999_999_999, h.MaxNs);
        Assert.Equal(values.Sum() / (double)values.Length, h.MeanNs);
    }

    [Fact]
    public void Mean_IsExactForValuesHdrCannotResolve()
    {
        // HdrHistogram buckets 1_000_001 and 1_000_003 together; the mean must not.
        var h = new LatencyHistogram("lat");
        h.Record(1_000_001);
        h.Record(1_000_003);
        Assert.Equal(1_000_002.0, h.MeanNs);
        Assert.Equal(1_000_001, h.MinNs);
        Assert.Equal(1_000_003, h.MaxNs);
    }

    [Theory]
    [InlineData(1.0)]
    [InlineData(10.0)]
    [InlineData(25.0)]
    [InlineData(50.0)]
    [InlineData(75.0)]
    [InlineData(90.0)]
    [InlineData(99.0)]
    [InlineData(99.9)]
    [InlineData(99.99)]
    public void Percentiles_OfAUniformSet_AreWithinThreeSignificantDigits(double p)
    {
        // Values 1 us .. 200 ms in 1 us steps, shuffled so recording order cannot matter.
        const int n = 200_000;
        var values = Enumerable.Range(1, n).Select(i => i * 1_000L).ToArray();
        new System.Random(5).Shuffle(values);
        var h = new LatencyHistogram("lat");
        foreach (long v in values)
        {
            h.Record(v);
        }

        long rank = Math.Max(1, (long)Math.Round(p / 100.0 * n));
        long expected = rank * 1_000;
        long actual = h.Percentile(p);

        Assert.InRange(actual, expected * 0.999, expected * 1.001);
        Assert.Equal(n, h.Count);
        Assert.Equal((n + 1) / 2.0 * 1_000, h.MeanNs);
    }

    [Fact]
    public void Percentiles_AreMonotone()
    {
        var h = new LatencyHistogram("lat");
        var rng = new System.Random(8);
        for (int i = 0; i < 50_000; i++)
        {
            h.Record((long)(-10_000 * Math.Log(1 - rng.NextDouble())));
        }

        long prev = -1;
        for (double p = 0; p <= 100; p += 0.5)
        {
            long v = h.Percentile(p);
            Assert.True(v >= prev, $"p{p} = {v} < {prev}");
            prev = v;
        }
    }

    [Fact]
    public void P0IsMin_P100IsMax_Exactly()
    {
        var h = new LatencyHistogram("lat");
        // Values HdrHistogram can only approximate: the extremes must still come back exact.
        h.Record(123_456_789);
        h.Record(987_654_321);
        h.Record(5_000_003);

        Assert.Equal(5_000_003, h.Percentile(0));
        Assert.Equal(987_654_321, h.Percentile(100));
        Assert.Equal(5_000_003, h.Percentile(-1));
        Assert.Equal(987_654_321, h.Percentile(150));
    }

    [Fact]
    public void Percentile_IsClampedToTheRecordedRange()
    {
        var h = new LatencyHistogram("lat");
        h.Record(987_654_321);
        for (double p = 1; p < 100; p += 7)
        {
            Assert.Equal(987_654_321, h.Percentile(p));
        }
    }

    [Fact]
    public void Zero_IsRecordedAsZero()
    {
        var h = new LatencyHistogram("lat");
        h.Record(0);
        h.Record(0);

        Assert.Equal(2, h.Count);
        Assert.Equal(0, h.MinNs);
        Assert.Equal(0, h.MaxNs);
        Assert.Equal(0.0, h.MeanNs);
        Assert.Equal(0, h.Percentile(50));
    }

    [Fact]
    public void Negative_Throws_AndRecordsNothing()
    {
        var h = new LatencyHistogram("lat");
        h.Record(10);

        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => h.Record(-1));
        Assert.Contains("lat", ex.Message, StringComparison.Ordinal);
        Assert.Equal(1, h.Count);
        Assert.Equal(10, h.MinNs);
        Assert.Equal(10.0, h.MeanNs);
    }

    [Fact]
    public void Empty_PercentileIsZero_MeanIsNaN()
    {
        var h = new LatencyHistogram("lat");

        Assert.Equal(0, h.Count);
        Assert.Equal(0, h.Percentile(0));
        Assert.Equal(0, h.Percentile(50));
        Assert.Equal(0, h.Percentile(100));
        Assert.True(double.IsNaN(h.MeanNs));
    }

    [Fact]
    public void ValuesBeyondTheTrackableRange_KeepExactMaxAndMean()
    {
        var h = new LatencyHistogram("lat");
        const long huge = 5_000_000_000_000; // 5000 s, past HdrHistogram's 1000 s range
        h.Record(huge);
        h.Record(1);

        Assert.Equal(huge, h.MaxNs);
        Assert.Equal(huge, h.Percentile(100));
        Assert.Equal((huge + 1) / 2.0, h.MeanNs);
    }
}
