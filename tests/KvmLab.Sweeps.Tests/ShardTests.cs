namespace KvmLab.Sweeps.Tests;

public sealed class ShardTests
{
    [Theory]
    [InlineData("0/1", 0, 1)]
    [InlineData("3/4", 3, 4)]
    public void Parse_ReadsIOfN(string text, int i, int n)
    {
        Assert.Equal(new Shard(i, n), Shard.Parse(text, out _));
    }

    [Theory]
    [InlineData("4/4")]
    [InlineData("1/0")]
    [InlineData("-1/2")]
    [InlineData("x")]
    [InlineData("1/2/3")]
    public void Parse_RefusesNonsenseWithAReason(string text)
    {
        Assert.Null(Shard.Parse(text, out string? problem));
        Assert.Contains(text, problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Shards_PartitionThePoints()
    {
        using var f = new SweepFixture();
        IReadOnlyList<SweepPoint> points = SweepExpander.Expand(f.Load());
        var shards = Enumerable.Range(0, 5).Select(i => new Shard(i, 5)).ToList();
        foreach (SweepPoint p in points)
        {
            Assert.Single(shards, s => s.Contains(p));
        }
    }
}
