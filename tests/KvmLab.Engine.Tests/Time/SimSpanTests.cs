using KvmLab.Engine.Time;

namespace KvmLab.Engine.Tests.Time;

public class SimSpanTests
{
    [Theory]
    [InlineData(0.0, 0L)]
    [InlineData(1.0, 1L)]
    [InlineData(2.4, 2L)]
    [InlineData(2.6, 3L)]
    [InlineData(-7.0, -7L)]
    [InlineData(1e15, 1_000_000_000_000_000L)]
    public void FromNanoseconds(double ns, long expected)
    {
        Assert.Equal(expected, SimSpan.FromNanoseconds(ns).Ns);
    }

    [Theory]
    [InlineData(1.0, 1_000L)]
    [InlineData(2.5, 2_500L)]
    [InlineData(0.0004, 0L)]
    [InlineData(0.0006, 1L)]
    [InlineData(1_000_000.0, 1_000_000_000L)]
    public void FromMicroseconds(double us, long expected)
    {
        Assert.Equal(expected, SimSpan.FromMicroseconds(us).Ns);
    }

    [Theory]
    [InlineData(1.0, 1_000_000L)]
    [InlineData(0.001, 1_000L)]
    [InlineData(4.0, 4_000_000L)]
    [InlineData(0.25, 250_000L)]
    public void FromMilliseconds(double ms, long expected)
    {
        Assert.Equal(expected, SimSpan.FromMilliseconds(ms).Ns);
    }

    [Theory]
    [InlineData(1.0, 1_000_000_000L)]
    [InlineData(0.1, 100_000_000L)]
    [InlineData(10.0, 10_000_000_000L)]
    [InlineData(1e-9, 1L)]
    public void FromSeconds(double s, long expected)
    {
        Assert.Equal(expected, SimSpan.FromSeconds(s).Ns);
    }

    [Fact]
    public void Factories_Overflow_Throws()
    {
        Assert.Throws<OverflowException>(() => SimSpan.FromSeconds(1e11));
        Assert.Throws<OverflowException>(() => SimSpan.FromMilliseconds(1e14));
        Assert.Throws<OverflowException>(() => SimSpan.FromMicroseconds(1e17));
        Assert.Throws<OverflowException>(() => SimSpan.FromNanoseconds(1e19));
        Assert.Throws<OverflowException>(() => SimSpan.FromNanoseconds(double.NaN));
    }

    [Fact]
    public void Factories_Agree()
    {
        Assert.Equal(SimSpan.FromSeconds(0.002), SimSpan.FromMilliseconds(2));
        Assert.Equal(SimSpan.FromMilliseconds(2), SimSpan.FromMicroseconds(2_000));
        Assert.Equal(SimSpan.FromMicroseconds(2_000), SimSpan.FromNanoseconds(2_000_000));
        Assert.Equal(new SimSpan(2_000_000), SimSpan.FromNanoseconds(2_000_000));
    }

    [Fact]
    public void Conversions()
    {
        var d = new SimSpan(1_500);
        Assert.Equal(1.5, d.Microseconds);
        Assert.Equal(1.5e-6, d.Seconds);
        Assert.Equal(3.0, new SimSpan(3_000_000_000).Seconds);
        Assert.Equal(0, SimSpan.Zero.Ns);
    }

    [Fact]
    public void Arithmetic()
    {
        var a = new SimSpan(300);
        var b = new SimSpan(120);

        Assert.Equal(new SimSpan(420), a + b);
        Assert.Equal(new SimSpan(180), a - b);
        Assert.Equal(new SimSpan(-180), b - a);
        Assert.Equal(new SimSpan(1_200), a * 4);
        Assert.Equal(new SimSpan(0), a * 0);
        Assert.Equal(new SimSpan(-300), a * -1);
    }

    [Fact]
    public void Comparisons()
    {
        var a = new SimSpan(1);
        var b = new SimSpan(2);

        Assert.True(a < b && b > a && a <= b && b >= a);
        Assert.True(a <= new SimSpan(1) && a >= new SimSpan(1));
        Assert.False(a > b || b < a);
        Assert.True(a == new SimSpan(1) && a != b);
        Assert.True(a.CompareTo(b) < 0 && b.CompareTo(a) > 0 && a.CompareTo(new SimSpan(1)) == 0);
        Assert.Equal(b, SimSpan.Max(a, b));
        Assert.Equal(b, SimSpan.Max(b, a));
        Assert.Equal(a, SimSpan.Min(a, b));
        Assert.Equal(a, SimSpan.Min(b, a));
    }

    [Fact]
    public void ToString_IsInvariantNanoseconds()
    {
        Assert.Equal("250 ns", new SimSpan(250).ToString());
        Assert.Equal("-3 ns", new SimSpan(-3).ToString());
    }
}
