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

/// <summary>The outcome counts the model's 95% interval: only an interval wholly inside the published band reproduces.</summary>
public class OutcomeTests
{
    [Theory]
    [InlineData(-21.0, 1.0, -22.3, 3, Outcome.Reproduced)]      // -22..-20 inside -25.3..-19.3
    [InlineData(-20.0, 0.0, -22.3, 3, Outcome.Reproduced)]      // no noise: the point decides
    [InlineData(-20.0, 2.0, -22.3, 3, Outcome.Inconclusive)]    // -22..-18 leaves the band at -19.3
    [InlineData(31.8, 116.9, 24.0, 10, Outcome.Inconclusive)]   // a bimodal row: inside by a seed's luck
    [InlineData(-4.2, 57.0, -16.5, 4, Outcome.Inconclusive)]    // point outside, interval reaches the band
    [InlineData(-10.0, 2.0, -22.3, 3, Outcome.NotReproduced)]   // whole interval outside
    [InlineData(-10.0, 0.0, -22.3, 3, Outcome.NotReproduced)]
    [InlineData(1.0, 0.5, -2.0, 5, Outcome.NotReproduced)]      // wrong sign, even inside the numeric band
    [InlineData(0.0, 0.0, 3.0, 3, Outcome.NotReproduced)]       // no change has no sign
    public void JudgeChange_CountsTheInterval(double model, double ci95, double published, double tolerance, Outcome expected)
    {
        Assert.Equal(expected, Verdict.JudgeChange(model, ci95, published, tolerance));
    }

    [Fact]
    public void JudgeChange_NaNIsNeverReproduced()
    {
        Assert.Equal(Outcome.NotReproduced, Verdict.JudgeChange(double.NaN, 1, 10, 5));
        Assert.Equal(Outcome.Reproduced, Verdict.JudgeChange(10, double.NaN, 10, 5)); // no interval: the point decides
    }

    [Theory]
    [InlineData(11000, 200, Outcome.Reproduced)]     // 10,800..11,200 inside 9,763..13,209
    [InlineData(10000, 600, Outcome.Inconclusive)]   // 9,400..10,600 straddles 9,763
    [InlineData(9000, 300, Outcome.NotReproduced)]   // 8,700..9,300 all below
    public void JudgeValue_CountsTheInterval(double model, double ci95, Outcome expected)
    {
        Assert.Equal(expected, Verdict.JudgeValue(model, ci95, 11486, 15));
    }

    [Fact]
    public void Words_SayEachOutcome()
    {
        Assert.Equal("reproduced", Outcome.Reproduced.Words());
        Assert.Equal("NOT reproduced", Outcome.NotReproduced.Words());
        Assert.Equal("inconclusive", Outcome.Inconclusive.Words());
    }
}

public class ChangeBandTests
{
    [Theory]
    [InlineData(3.4, 5, 0, 8.4)]       // a positive change: the band stops at no change
    [InlineData(-16.5, 4, -20.5, -12.5)]
    [InlineData(-2.0, 5, -7.0, 0)]
    public void ChangeBand_IsTheToleranceClippedToThePublishedSign(double published, double tolerance, double low, double high)
    {
        Assert.Equal((low, high), Verdict.ChangeBand(published, tolerance));
    }
}
