using KvmLab.Calibration.Sensitivity;
using KvmLab.Model.Hardware;
using KvmLab.Scenarios;

namespace KvmLab.Calibration.Tests.Sensitivity;

/// <summary>
/// "What would it take" on the IPI fastpath pair (kut-ipi without and with ipi-fastpath): the
/// slope of the change to each field, the factor one field alone would need to reach a target,
/// and whether the field's provenance allows it.
/// </summary>
public class ChangeSensitivityTests
{
    private static (ScenarioSpec Off, ScenarioSpec On) Pair()
    {
        ScenarioSpec s = ScenarioLoader.LoadFile(RepoPaths.Scenario("kut-ipi.yaml"));
        return (s with { Features = [.. s.Features.Where(f => f != "ipi-fastpath")] },
                s with { Features = [.. s.Features.Where(f => f != "ipi-fastpath"), "ipi-fastpath"] });
    }

    [Fact]
    public void TheFactorNeeded_IsTheLinearExtrapolationOfTheSlope_AndCostsOffThePathHaveNoEffect()
    {
        var (off, on) = Pair();
        const double target = -22.3;
        ChangeSensitivityResult r = ChangeSensitivity.Run("fastpath", off, on, "cycles_per_ipi", target, jobs: 2);

        CostProfile p = Profiles.Find(on.Profile)!;
        Assert.Equal(ChangeSensitivity.Change(off, on, "cycles_per_ipi", p), r.ChangePercent);
        Assert.True(r.ChangePercent < 0, "the fastpath shortens the round trip");

        ChangeElasticity top = r.Fields[0];
        Assert.NotEqual(0, top.PointsPerUnit);
        Assert.Equal((top.ChangeHigh - top.ChangeLow) / (2 * SensitivityAnalysis.Step), top.PointsPerUnit, 9);
        Assert.Equal(1 + ((target - r.ChangePercent) / top.PointsPerUnit), top.FactorNeeded!.Value, 9);

        ChangeElasticity avic = r.Fields.Single(f => f.Field == "AvicScanPerVcpu");
        Assert.Equal((0.0, ReachVerdict.NoEffect), (avic.PointsPerUnit, avic.Verdict));
        Assert.True(Math.Abs(r.Fields[0].PointsPerUnit) >= Math.Abs(r.Fields[^1].PointsPerUnit));
    }

    [Theory]
    [InlineData(null, SourceKind.Estimate, ReachVerdict.NoEffect)]
    [InlineData(-0.5, SourceKind.Estimate, ReachVerdict.WrongSign)]
    [InlineData(3.9, SourceKind.Estimate, ReachVerdict.Allowed)]
    [InlineData(0.26, SourceKind.Estimate, ReachVerdict.Allowed)]
    [InlineData(4.1, SourceKind.Estimate, ReachVerdict.BeyondBand)]
    [InlineData(1.04, SourceKind.Measured, ReachVerdict.Allowed)]
    [InlineData(1.2, SourceKind.Measured, ReachVerdict.Measured)]
    [InlineData(1.2, SourceKind.Fitted, ReachVerdict.Allowed)]
    [InlineData(1.6, SourceKind.Fitted, ReachVerdict.Fitted)]
    public void Judge_ReadsTheProvenance(double? factor, SourceKind kind, ReachVerdict expected)
    {
        Assert.Equal(expected, ChangeSensitivity.Judge(factor, new FieldSource(kind, "test")));
    }

    [Theory]
    [InlineData(-78.4, -30.4, -33.8, false)]
    [InlineData(-34.9, -50.0, -70.9, true)]
    [InlineData(-34.9, -30.4, -70.9, false)]
    [InlineData(-12.0, -11.8, -11.7, true)]
    [InlineData(-11.8, -11.8, -11.8, true)]
    [InlineData(-97.0, -97.0, 0.0, false)]
    [InlineData(-61.2, -30.4, -27.8, false)]
    [InlineData(double.NaN, -30.4, -27.8, false)]
    public void Smooth_IsMonotoneThroughTheMiddle(double lo, double mid, double hi, bool smooth)
    {
        Assert.Equal(smooth, ChangeSensitivity.Smooth(lo, mid, hi));
    }
    [Fact]
    public void Replications_TheChangeIsOfThePairedMeans_AsReproduceComputesIt()
    {
        // kut-ipi's halt-poll detection phase is random per replication, so replications differ.
        var (off, on) = Pair();
        off = off with { Duration = KvmLab.Engine.Time.SimSpan.FromMilliseconds(3) };
        on = on with { Duration = KvmLab.Engine.Time.SimSpan.FromMilliseconds(3) };
        CostProfile p = Profiles.Find(on.Profile)!;
        double b = (ScenarioRunner.Run(off, 0, profileOverride: p).Metric("cycles_per_ipi") + ScenarioRunner.Run(off, 1, profileOverride: p).Metric("cycles_per_ipi")) / 2;
        double o = (ScenarioRunner.Run(on, 0, profileOverride: p).Metric("cycles_per_ipi") + ScenarioRunner.Run(on, 1, profileOverride: p).Metric("cycles_per_ipi")) / 2;
        Assert.Equal(100 * (o - b) / b, ChangeSensitivity.Change(off, on, "cycles_per_ipi", p, replications: 2), 9);

        ChangeSensitivityResult r = ChangeSensitivity.Run("fastpath", off, on, "cycles_per_ipi", -22.3, jobs: 2, replications: 2);
        Assert.Equal(2, r.Replications);
        Assert.Equal(ChangeSensitivity.Change(off, on, "cycles_per_ipi", p, replications: 2), r.ChangePercent);
        Assert.Throws<ArgumentOutOfRangeException>(() => ChangeSensitivity.Run("fastpath", off, on, "cycles_per_ipi", null, replications: 0));

        // Over replications every slope carries its paired interval, and a slope inside it is no route.
        Assert.All(r.Fields, e => Assert.True(double.IsFinite(e.SlopeCi95) && e.SlopeCi95 >= 0, e.Field));
        Assert.All(r.Fields.Where(e => e.Verdict == ReachVerdict.WithinNoise), e => Assert.True(Math.Abs(e.PointsPerUnit) <= e.SlopeCi95, e.Field));
        Assert.True(double.IsNaN(ChangeSensitivity.Run("fastpath", off, on, "cycles_per_ipi", null, jobs: 2).Fields[0].SlopeCi95));
    }

    [Fact]
    public void SlopeCi_IsTheStudentIntervalOfThePerReplicationSlopes()
    {
        // Two replications: changes at -h of -10% and -20%, at +h of -12% and -20%: slopes -10 and 0 per unit.
        var low = (new[] { 100.0, 100.0 }, new[] { 90.0, 80.0 });
        var high = (new[] { 100.0, 100.0 }, new[] { 88.0, 80.0 });
        double step = 0.1;
        // d = (-12 - -10) / 0.2 = -10 and (-20 - -20) / 0.2 = 0; sd = 7.0711, t(0.975, 1) = 12.7062.
        Assert.Equal(12.706204736 * 7.0710678 / Math.Sqrt(2), ChangeSensitivity.SlopeCi95(low, high, step), 4);
        double[] one = [1.0];
        Assert.True(double.IsNaN(ChangeSensitivity.SlopeCi95((one, one), (one, one), step)));
    }
}
