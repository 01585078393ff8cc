using KvmLab.Calibration.Sensitivity;
using KvmLab.Model.Hardware;
using KvmLab.Scenarios;

namespace KvmLab.Calibration.Tests.Sensitivity;

/// <summary>
/// Elasticities on the kvm-unit-tests IPI scenario: the round trip is a sum of charged costs, so
/// each path cost's elasticity is its share of the round trip, costs the path never charges have
/// none, and the run is deterministic.
/// </summary>
public class SensitivityAnalysisTests
{
    private static ScenarioSpec KutIpi() => ScenarioLoader.LoadFile(RepoPaths.Scenario("kut-ipi.yaml"));

    [Fact]
    public void KutIpi_TheTransitionsDecide_AvicCostsDoNot()
    {
        SensitivityResult r = SensitivityAnalysis.Run(KutIpi(), jobs: 2);

        Assert.Equal("cycles_per_ipi", r.Metric);
        Elasticity exit = r.Fields.Single(f => f.Field == "VmExit");
        Assert.InRange(exit.Value, 0.05, 1.0);
        Assert.Equal(0, r.Fields.Single(f => f.Field == "AvicScanPerVcpu").Value);
        Assert.True(Math.Abs(r.Fields[0].Value) >= Math.Abs(r.Fields[^1].Value));
        Assert.Equal(SourceKind.Fitted, exit.Source.Kind);
    }

    [Fact]
    public void Elasticities_AreTheSameWhateverTheJobCount()
    {
        var a = SensitivityAnalysis.Run(KutIpi(), jobs: 1).Fields.Select(f => (f.Field, f.Value));
        var b = SensitivityAnalysis.Run(KutIpi(), jobs: 2).Fields.Select(f => (f.Field, f.Value));

        Assert.Equal(a, b);
    }

    [Fact]
    public void Scaled_ChangesOneFieldOnly()
    {
        CostProfile p = Profiles.SkylakeSp2020();
        CostField f = CostFields.Find("HltHandler")!;

        CostProfile q = SensitivityAnalysis.Scaled(p, f, 2);

        Assert.Equal(p.HltHandler.Ns * 2, q.HltHandler.Ns);
        Assert.Equal(p.VmExit, q.VmExit);
        Assert.Equal(p.HltHandler, Profiles.SkylakeSp2020().HltHandler);
    }

    [Fact]
    public void AnUnknownMetric_NamesTheOnesTheRunHas()
    {
        var e = Assert.Throws<ScenarioException>(() => SensitivityAnalysis.Run(KutIpi(), "ops_per_s"));

        Assert.Contains("cycles_per_ipi", e.Message, StringComparison.Ordinal);
    }
}
