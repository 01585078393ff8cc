using KvmLab.Model.Hardware;
using KvmLab.Model.Hardware.ProfileFiles;

namespace KvmLab.Calibration.Tests;

/// <summary>validate: the simulator, with a profile, on scenarios shaped like the IPI probes.</summary>
public class ValidatorTests
{
    private static CalibratedProfile Profile() => new()
    {
        Profile = Profiles.SkylakeSp2020(),
        BaseProfile = "skylake-sp-2020",
        Fields = [],
        Measurements = new Dictionary<string, double>(),
        Environment = "test",
    };

    [Fact]
    public void Validator_PredictsEveryCase_AndComputesTheGap()
    {
        List<ValidationRow> rows = Validator.Validate(Profile(), new Dictionary<string, double> { ["ipi/x2apic-msr-cpl0-halted"] = 10000 });

        Assert.Equal(Validator.Cases.Count, rows.Count);
        Assert.All(rows, r => Assert.True(r.PredictedNs > 0));
        ValidationRow x2 = rows.Single(r => r.Probe == "ipi/x2apic-msr-cpl0-halted");
        Assert.Equal((x2.PredictedNs - 10000) / 100, x2.GapPercent!.Value, 6);
        Assert.Null(rows.Single(r => r.Probe == "ipi/xapic-mmio-cpl0-halted").GapPercent);
    }
}
