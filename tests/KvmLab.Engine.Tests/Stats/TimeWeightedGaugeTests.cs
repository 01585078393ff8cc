using KvmLab.Engine.Stats;
using KvmLab.Engine.Time;

namespace KvmLab.Engine.Tests.Stats;

public class TimeWeightedGaugeTests
{
    private static SimTime T(long ns) => new(ns);

    [Fact]
    public void Mean_OfPiecewiseConstantValues_IsExact()
    {
        var g = new TimeWeightedGauge("runnable", T(100));
        g.Set(T(100), 2);   // 2 over [100, 150): 100
        g.Set(T(150), 4);   // 4 over [150, 250): 400
        g.Set(T(250), 0);   // 0 over [250, 300): 0
        g.Set(T(300), 1);   // 1 over [300, 500): 200

        Assert.Equal(700.0 / 400.0, g.Mean(T(500)));
        Assert.Equal(1, g.Value);
        Assert.Equal("runnable", g.Name);
    }

    [Fact]
    public void Mean_CountsZeroBeforeTheFirstSet()
    {
        var g = new TimeWeightedGauge("busy", T(0));
        g.Set(T(250), 8); // 0 over [0, 250), 8 over [250, 1000)

        Assert.Equal(6.0, g.Mean(T(1000)));
    }

    [Fact]
    public void Mean_ExtendsTheCurrentValueToNow()
    {
        var g = new TimeWeightedGauge("g", T(1_000));
        g.Set(T(1_000), 3);

        Assert.Equal(3.0, g.Mean(T(1_001)));
        Assert.Equal(3.0, g.Mean(T(1_000_000_000)));
    }

    [Fact]
    public void Mean_OverAnEmptyWindow_IsTheCurrentValue()
    {
        var g = new TimeWeightedGauge("g", T(50));
        g.Set(T(50), 7);
        Assert.Equal(7.0, g.Mean(T(50)));
    }

    [Fact]
    public void Add_ChangesByDelta_AndIntegratesLikeSet()
    {
        var g = new TimeWeightedGauge("g", T(0));
        g.Add(T(0), 1);    // 1 over [0, 10)
        g.Add(T(10), 2);   // 3 over [10, 20)
        g.Add(T(20), -3);  // 0 over [20, 40)

        Assert.Equal(0, g.Value);
        Assert.Equal(40.0 / 40.0, g.Mean(T(40)));
        Assert.Equal(3, g.Max);
    }

    [Fact]
    public void SeveralChangesAtOneInstant_OnlyTheLastCounts()
    {
        var g = new TimeWeightedGauge("g", T(0));
        g.Set(T(10), 100);
        g.Set(T(10), 5);   // 100 held for zero time
        Assert.Equal(5.0 * 90 / 100, g.Mean(T(100)));
        Assert.Equal(100, g.Max); // the peak is still seen
    }

    [Fact]
    public void Max_IsTheLargestValueSet()
    {
        var g = new TimeWeightedGauge("g", T(0));
        Assert.Equal(0, g.Max);
        g.Set(T(1), 3);
        g.Set(T(2), 9.5);
        g.Set(T(3), 1);
        Assert.Equal(9.5, g.Max);
    }

    [Fact]
    public void Mean_IsExactOverManyChanges()
    {
        // Integer levels over integer durations: the integral is exact in a double.
        var g = new TimeWeightedGauge("g", T(0));
        var rng = new System.Random(3);
        long now = 0;
        long integral = 0;
        int level = 0;
        for (int i = 0; i < 10_000; i++)
        {
            long dt = rng.Next(0, 1_000);
            integral += level * dt;
            now += dt;
            level = rng.Next(0, 64);
            g.Set(T(now), level);
        }

        integral += level * 123L;
        now += 123;
        Assert.Equal((double)integral / now, g.Mean(T(now)));
    }
}
