using KvmLab.Calibration.Catalog;
using KvmLab.Calibration.Fit;
using KvmLab.Model.Hardware;

namespace KvmLab.Calibration.Tests.Fit;

/// <summary>
/// The fit on synthetic entries whose model is a direct read of the profile (no simulation): what
/// an entry informs moves toward it within the band, what nothing informs keeps its estimate, a
/// pair the catalog sees only as a sum is reported together, and leave-one-out shows an entry
/// that only echoes itself.
/// </summary>
public class CostFitTests
{
    private static readonly CostProfile Skx = Profiles.SkylakeSp2020();

    private static (MeasurementEntry, EntryModel.Plan, bool) Row(string id, double measured, Func<CostProfile, double> model, bool bound = false, string? kind = null) =>
        (new MeasurementEntry { Id = id, Quantity = "synthetic." + id, Value = measured, Unit = "cycles", Citation = "test", BoundKind = kind, Bound = bound },
         new EntryModel.Plan(null, null, model), bound);

    private static double Cycles(CostProfile p, params Func<CostProfile, Engine.Time.SimSpan>[] fields) => fields.Sum(f => f(p).Ns) * p.TscGhz;

    [Fact]
    public void InformedCosts_MoveToTheEntries_OthersKeepTheirEstimates()
    {
        var rows = new[]
        {
            Row("hlt", 200, p => Cycles(p, x => x.HltHandler)),
            Row("hlt-again", 210, p => Cycles(p, x => x.HltHandler)),
            Row("transition", 2000, p => Cycles(p, x => x.VmExit, x => x.VmEntry)),
        };

        FitResult r = CostFit.Run(rows, Skx, "synthetic", []);

        Assert.InRange(r.Profile.HltHandler.Ns * Skx.TscGhz, 190, 215);
        Assert.InRange((r.Profile.VmExit.Ns + r.Profile.VmEntry.Ns) * Skx.TscGhz, 1900, 2050);
        Assert.Equal(Skx.YieldTo, r.Profile.YieldTo);
        FitFieldRow hlt = r.Fields.Single(f => f.Field == "HltHandler");
        Assert.True(hlt.Identified);
        Assert.Equal(["hlt", "hlt-again"], hlt.InformedBy);
        Assert.False(r.Fields.Single(f => f.Field == "YieldTo").Identified);
        Assert.Equal("VmEntry", r.Fields.Single(f => f.Field == "VmExit").TogetherWith);
        Assert.Equal(SourceKind.Fitted, r.Profile.SourceOf("HltHandler").Kind);
        Assert.Equal(SourceKind.Estimate, r.Profile.SourceOf("YieldTo").Kind);
    }

    [Fact]
    public void LeaveOneOut_AnEntryAloneInItsCostOnlyEchoes_TwoThatAgreePredictEachOther()
    {
        var rows = new[]
        {
            Row("hlt", 200, p => Cycles(p, x => x.HltHandler)),
            Row("hlt-again", 200, p => Cycles(p, x => x.HltHandler)),
            Row("wrmsr", 300, p => Cycles(p, x => x.WrmsrEmulation)),
        };

        FitResult r = CostFit.Run(rows, Skx, "synthetic", []);

        Assert.InRange(Math.Abs(r.Entries.Single(e => e.Id == "hlt").LooErrorPercent), 0, 5);
        Assert.True(Math.Abs(r.Entries.Single(e => e.Id == "wrmsr").LooErrorPercent) > 40); // without it, WrmsrEmulation keeps its estimate (150)
        Assert.InRange(Math.Abs(r.Entries.Single(e => e.Id == "wrmsr").ErrorPercent), 0, 5);
    }

    [Fact]
    public void ALowerBound_PushesOnlyWhenViolated_AndTheBandHolds()
    {
        var rows = new[]
        {
            Row("roundtrip-floor", 600, p => Cycles(p, x => x.VmExit, x => x.VmEntry), bound: true, kind: "lower"),
            Row("hlt-far", 100000, p => Cycles(p, x => x.HltHandler)),
        };

        FitResult r = CostFit.Run(rows, Skx, "synthetic", []);

        Assert.InRange(r.Profile.VmExit.Ns, Skx.VmExit.Ns - 1, Skx.VmExit.Ns + 1); // 1099 cycles already meets the floor
        Assert.InRange(r.Profile.HltHandler.Ns, Skx.HltHandler.Ns * CostFit.Band * 0.99, Skx.HltHandler.Ns * CostFit.Band * 1.01);
    }

    [Fact]
    public void Kernels_AreReadFromTheCatalogText()
    {
        Assert.True(EntryModel.KernelAtLeast("5.7-rc (kvm/queue, Apr 2020)", 5, 6));
        Assert.False(EntryModel.KernelAtLeast("5.3-rc (Sep 2019)", 5, 6));
        Assert.True(EntryModel.KernelAtLeast("6.13-rc era", 5, 6));
        Assert.False(EntryModel.KernelAtLeast(null, 5, 6));
    }

    [Fact]
    public void EntryScenario_TakesTheErasDefaultsTheConfigDoesNotTurnOff()
    {
        var e53 = new MeasurementEntry { Id = "a", Quantity = "vmexit.ipi", Value = 3319, Unit = "cycles", Citation = "c", Kernel = "5.3-rc (Sep 2019)" };
        var noApicv = e53 with { Kernel = "5.7-rc", Config = new Dictionary<string, string?> { ["apicv"] = "false", ["timer_advance_ns"] = "0" } };

        var s53 = EntryModel.Scenario(e53, "skylake-sp-2020", "kut-ipi", 2, "");
        var sNo = EntryModel.Scenario(noApicv, "skylake-sp-2020", "kut-ipi", 2, "");

        Assert.Contains("apicv", s53.Features);
        Assert.DoesNotContain("ipi-fastpath", s53.Features);
        Assert.Contains("adaptive-timer-advance", s53.Features);
        Assert.DoesNotContain("apicv", sNo.Features);
        Assert.Contains("ipi-fastpath", sNo.Features);
        Assert.DoesNotContain("adaptive-timer-advance", sNo.Features);
        Assert.Equal(0, sNo.TimerAdvance.Ns);
    }

    /// <summary>
    /// A model the linearization misjudges (a peak: rising at the estimate, falling soon after): the
    /// full Gauss-Newton step overshoots to a worse point; the fit takes a step only when a real
    /// evaluation agrees, so it never ends worse than it started.
    /// </summary>
    [Fact]
    public void AStepTheModelDisagreesWith_IsHalved_SoTheFitNeverEndsWorseThanTheEstimates()
    {
        double x0 = Skx.HltHandler.Ns;
        double Peak(CostProfile p)
        {
            double t = Math.Log(p.HltHandler.Ns / x0);
            return 300 + (2000 * t) - (8000 * t * t);
        }

        FitResult r = CostFit.Run([Row("peak", 3000, Peak)], Skx, "synthetic", []);

        FitEntryRow e = r.Entries.Single();
        Assert.True(Math.Abs(Math.Log(e.Fitted / e.Measured)) < Math.Abs(Math.Log(e.Prior / e.Measured)), $"fitted {e.Fitted} vs prior {e.Prior}");
    }
}
