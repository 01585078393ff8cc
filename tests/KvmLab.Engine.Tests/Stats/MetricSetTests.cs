using KvmLab.Engine.Stats;
using KvmLab.Engine.Time;

namespace KvmLab.Engine.Tests.Stats;

public class MetricSetTests
{
    [Fact]
    public void SameName_ReturnsTheSameInstance()
    {
        var m = new MetricSet();

        var h = m.Histogram("wakeup");
        var c = m.Counter("exits");
        var g = m.Gauge("runnable", SimTime.Zero);

        Assert.Same(h, m.Histogram("wakeup"));
        Assert.Same(c, m.Counter("exits"));
        Assert.Same(g, m.Gauge("runnable", new SimTime(999))); // the first start is kept
        Assert.Equal(3, m.All.Count);
        Assert.Equal("wakeup", h.Name);
        Assert.Equal("exits", c.Name);
        Assert.Equal("runnable", g.Name);
    }

    [Fact]
    public void All_KeepsCreationOrder()
    {
        var m = new MetricSet();
        string[] names = ["zeta", "alpha", "mid", "beta", "omega", "a", "b"];
        var made = new List<object>();
        for (int i = 0; i < names.Length; i++)
        {
            made.Add((i % 3) switch
            {
                0 => m.Counter(names[i]),
                1 => m.Histogram(names[i]),
                _ => m.Gauge(names[i], SimTime.Zero),
            });
            m.Counter(names[0]); // looking up an existing metric adds nothing
        }

        Assert.Equal(made, m.All);
    }

    [Fact]
    public void NameReusedWithAnotherType_Throws()
    {
        var m = new MetricSet();
        m.Histogram("x");
        m.Counter("y");

        Assert.Throws<InvalidOperationException>(() => m.Counter("x"));
        Assert.Throws<InvalidOperationException>(() => m.Gauge("x", SimTime.Zero));
        Assert.Throws<InvalidOperationException>(() => m.Histogram("y"));
        Assert.Equal(2, m.All.Count);
    }

    [Fact]
    public void Names_AreCaseSensitive()
    {
        var m = new MetricSet();
        Assert.NotSame(m.Counter("Exits"), m.Counter("exits"));
        Assert.Equal(2, m.All.Count);
    }

    [Fact]
    public void TryGet_FindsByNameAndType()
    {
        var m = new MetricSet();
        var c = m.Counter("c");

        Assert.True(m.TryGet("c", out Counter? found));
        Assert.Same(c, found);
        Assert.False(m.TryGet("c", out LatencyHistogram? wrongType));
        Assert.Null(wrongType);
        Assert.False(m.TryGet("missing", out Counter? missing));
        Assert.Null(missing);
    }

    [Fact]
    public void Counter_IncrementsAndAdds()
    {
        var c = new MetricSet().Counter("c");
        c.Increment();
        c.Increment();
        c.Add(40);
        Assert.Equal(42, c.Value);
    }
}
