using KvmLab.RealKvm.Probes;

namespace KvmLab.RealKvm.Tests.Probes;

public class SampleSummaryTests
{
    [Fact]
    public void OrderStatistics_OfOneToHundredAndOne()
    {
        SampleSummary s = SampleSummary.Of([.. Enumerable.Range(0, 101).Select(i => (double)(100 - i))]);
        Assert.Equal(101, s.Count);
        Assert.Equal(0, s.Min);
        Assert.Equal(50, s.Median);
        Assert.Equal(99, s.P99, 6);
        Assert.Equal(100, s.Max);
        Assert.Equal(50, s.Mean);
    }

    [Fact]
    public void Empty_Throws() => Assert.Throws<ArgumentException>(() => SampleSummary.Of([]));
}
