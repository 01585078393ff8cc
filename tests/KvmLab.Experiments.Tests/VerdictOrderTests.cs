namespace KvmLab.Experiments.Tests;

public class VerdictOrderTests
{
    [Theory]
    [InlineData(115, 100, 15, true)]
    [InlineData(85, 100, 15, true)]
    [InlineData(115.1, 100, 15, false)]
    [InlineData(84.9, 100, 15, false)]
    [InlineData(double.NaN, 100, 15, false)]
    public void WithinTolerance_IsRelativeToPublished(double model, double published, double tol, bool expected)
    {
        Assert.Equal(expected, Verdict.WithinTolerance(model, published, tol));
    }

    [Fact]
    public void Order_SameRanking_NoViolations()
    {
        var rungs = new List<(string, double, double)> { ("a", 10, 21), ("b", 20, 46), ("c", 30, 55) };
        Assert.Empty(Verdict.OrderViolations(rungs, 5));
    }

    [Fact]
    public void Order_Swapped_IsReported()
    {
        var rungs = new List<(string, double, double)> { ("a", 30, 21), ("b", 20, 46) };
        var v = Assert.Single(Verdict.OrderViolations(rungs, 5));
        Assert.Equal(("a", "b"), v);
    }

    [Fact]
    public void Order_PublishedTie_IsNotJudged()
    {
        // 78k and 80k differ by 2.5%: within a 5% tie margin the model may rank them either way.
        var rungs = new List<(string, double, double)> { ("bare", 95, 78), ("guest-iopoll", 90, 80) };
        Assert.Empty(Verdict.OrderViolations(rungs, 5));
        Assert.Single(Verdict.OrderViolations(rungs, 1));
    }
}
