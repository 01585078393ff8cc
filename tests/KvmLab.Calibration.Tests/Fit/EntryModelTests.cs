using KvmLab.Calibration.Catalog;
using KvmLab.Calibration.Fit;
using KvmLab.Model.Hardware;
using KvmLab.TestSupport;

namespace KvmLab.Calibration.Tests.Fit;

/// <summary>The AMD catalog's one modelled entry: Roth's sample around VMRUN is SVM's world-switch round trip.</summary>
public class EntryModelTests
{
    [Fact]
    public void SvmVmrunSegment_IsTheWorldSwitchRoundTrip_InCycles()
    {
        MeasurementCatalog amd = MeasurementCatalog.Load(Path.Combine(MeasurementCatalog.Directory(RepoPaths.Root), "amd-rome-2020.yaml"));
        MeasurementEntry e = amd.Entries.Single(x => x.Quantity == "svm.vmrun_to_post_vmrun");
        CostProfile p = Profiles.Estimates("amd-rome-2020")!;

        EntryModel.Plan plan = EntryModel.For(e, p.Id, out string? why)!;

        Assert.Null(why);
        Assert.Equal((p.VmExit.Ns + p.VmEntry.Ns) * p.TscGhz, plan.Direct!(p), 6);
    }

    [Fact]
    public void FittedAmdProfile_MatchesRothsSample()
    {
        CostProfile fitted = Profiles.Find("amd-rome-2020")!;
        Assert.Equal(SourceKind.Fitted, fitted.SourceOf("VmExit").Kind);
        Assert.InRange((fitted.VmExit.Ns + fitted.VmEntry.Ns) * fitted.TscGhz, 1376 * 0.95, 1376 * 1.05);
    }
}
