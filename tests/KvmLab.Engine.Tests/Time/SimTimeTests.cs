using KvmLab.Engine.Time;

namespace KvmLab.Engine.Tests.Time;

public class SimTimeTests
{
    [Fact]
    public void Constants()
    {
        Assert.Equal(0, SimTime.Zero.Ns);
        Assert.Equal(long.MaxValue, SimTime.MaxValue.Ns);
        Assert.Equal(default, SimTime.Zero);
    }

    [Theory]
    [InlineData(0.0, 0L)]
    [InlineData(1.0, 1_000_000_000L)]
    [InlineData(1.5, 1_500_000_000L)]
    [InlineData(0.000_000_001, 1L)]
    [InlineData(0.000_000_000_6, 1L)] // rounds to the nearest nanosecond
    [InlineData(0.000_000_000_4, 0L)]
    [InlineData(3600.0, 3_600_000_000_000L)]
    public void FromSeconds_RoundsToNanoseconds(double s, long ns)
    {
        Assert.Equal(ns, SimTime.FromSeconds(s).Ns);
    }

    [Fact]
    public void FromSeconds_Overflow_Throws()
    {
        Assert.Throws<OverflowException>(() => SimTime.FromSeconds(1e11)); // 1e20 ns
    }

    [Fact]
    public void Conversions()
    {
        var t = new SimTime(2_500_000_000);
        Assert.Equal(2.5, t.Seconds);
        Assert.Equal(2_500_000.0, t.Microseconds);
    }

    [Fact]
    public void Arithmetic()
    {
        var t = new SimTime(1_000);
        var d = new SimSpan(250);

        Assert.Equal(new SimTime(1_250), t + d);
        Assert.Equal(new SimTime(750), t - d);
        Assert.Equal(new SimSpan(400), new SimTime(1_400) - t);
        Assert.Equal(new SimSpan(-400), t - new SimTime(1_400));
        Assert.Equal(t, t + d - d);
        Assert.Equal(t, t + SimSpan.Zero);
    }

    [Fact]
    public void Comparisons()
    {
        var a = new SimTime(5);
        var b = new SimTime(7);

        Assert.True(a < b);
        Assert.False(b < a);
        Assert.True(b > a);
        Assert.True(a <= b && a <= new SimTime(5));
        Assert.True(b >= a && b >= new SimTime(7));
        Assert.False(a > new SimTime(5));
        Assert.True(a == new SimTime(5));
        Assert.True(a != b);
        Assert.Equal(-1, a.CompareTo(b));
        Assert.Equal(1, b.CompareTo(a));
        Assert.Equal(0, a.CompareTo(new SimTime(5)));
        Assert.Equal(b, SimTime.Max(a, b));
        Assert.Equal(b, SimTime.Max(b, a));
        Assert.Equal(a, SimTime.Min(a, b));
        Assert.Equal(a, SimTime.Min(b, a));
    }

    [Fact]
    public void Sorting_UsesCompareTo()
    {
        var times = new List<SimTime> { new(30), new(-1), new(long.MaxValue), new(0), new(29) };
        times.Sort();
        Assert.Equal([-1L, 0L, 29L, 30L, long.MaxValue], times.Select(t => t.Ns));
    }

    [Fact]
    public void ToString_IsInvariantNanoseconds()
    {
        Assert.Equal("1234567 ns", new SimTime(1_234_567).ToString());
        Assert.Equal("-5 ns", new SimTime(-5).ToString());
    }
}
