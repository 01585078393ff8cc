namespace KvmLab.Sweeps.Tests;

public class LocalPoolTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(5)]
    public void Map_ReturnsResultsInInputOrder_WhateverTheJobCount(int jobs)
    {
        int[] items = [.. Enumerable.Range(0, 40)];
        int calls = 0;
        var seen = new List<(int Done, int Total)>();
        // Later items finish first, so completion order differs from input order.
        IReadOnlyList<int> r = LocalPool.Map(items, jobs, i =>
        {
            Thread.Sleep((40 - i) % 7);
            Interlocked.Increment(ref calls);
            return i * i;
        }, (d, t) => seen.Add((d, t)));

        Assert.Equal(items.Select(i => i * i), r);
        Assert.Equal(40, calls);
        Assert.Equal(Enumerable.Range(1, 40).Select(d => (d, 40)), seen);
    }

    [Fact]
    public void Map_RethrowsTheRunsOwnException()
    {
        var e = Assert.Throws<InvalidOperationException>(() => LocalPool.Map([1, 2, 3, 4], 2, i => i == 3 ? throw new InvalidOperationException("three") : i));
        Assert.Equal("three", e.Message);
    }
}
