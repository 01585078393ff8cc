namespace KvmLab.Experiments.Tests;

/// <summary>TARGETS.md: same sign and within the tolerance in points; or, for absolute figures, each value within a percentage.</summary>
public class VerdictTests
{
    [Theory]
    [InlineData(-20.0, -22.3, 3, true)]
    [InlineData(-19.0, -22.3, 3, false)]
    [InlineData(1.0, -2.0, 5, false)]  // wrong sign, even inside the band
    [InlineData(0.0, 3.0, 3, false)]   // no change has no sign
    public void Judge_ChangeInPoints(double model, double published, double tolerance, bool expected)
    {
        Assert.Equal(expected, Verdict.Judge(model, published, tolerance));
    }

    [Theory]
    [InlineData(11000, 420, true)]
    [InlineData(9000, 420, false)]   // baseline 21.6% low
    [InlineData(11486, 480, false)]  // optimized 16.5% high
    public void JudgeValues_EachWithinItsPercentage(double modelBaseline, double modelOptimized, bool expected)
    {
        Assert.Equal(expected, Verdict.WithinTolerance(modelBaseline, 11486, 15) && Verdict.WithinTolerance(modelOptimized, 412, 15));
    }
}
