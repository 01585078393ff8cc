using KvmLab.Calibration.Pvm;
using KvmLab.Model.Hardware;
using KvmLab.TestSupport;
using Xunit.Abstractions;

namespace KvmLab.Calibration.Tests.Pvm;

/// <summary>
/// Issue 13 item 6's done-when line on the saved probe run (no /dev/kvm needed): the pvm-here
/// profile predicts this machine's probes with a median error of at most 25%, and so does the
/// leave-one-out prediction of each probe by a fit that never saw it.
/// </summary>
public class PvmValidatorTests(ITestOutputHelper output)
{
    private static readonly string Saved = Path.Combine(RepoPaths.Root, "data", "measurements", "pvm-here", "probe-2026-12-02T1437Z.json");

    [Fact]
    public void SavedProbeRun_MedianErrorOverTheProbes_IsAtMost25Percent()
    {
        PvmValidation v = PvmValidator.Validate(PvmHere.Profile(), ProbeRunReader.Read(Saved));
        foreach (ProbeValidationRow r in v.Rows)
        {
            output.WriteLine($"{r.Probe,-36} measured {r.MeasuredNs,9:0} predicted {r.PredictedNs,9:0} ({r.ErrorPercent,6:+0.0;-0.0}%) loo {r.LeaveOneOutNs,9:0} ({r.LooErrorPercent,6:+0.0;-0.0}%)");
        }

        output.WriteLine($"median {v.MedianAbsErrorPercent:0.0}% fit {v.FitMedianAbsErrorPercent:0.0}% loo {v.LooMedianErrorPercent:0.0}%");
        Assert.Equal(28, v.Rows.Count); // 29 modelled probes; cpuid-cpl0's median is negative in this run (context only)
        Assert.InRange(v.MedianAbsErrorPercent, 0, 25);
        Assert.InRange(v.LooMedianErrorPercent, 0, 25);
        Assert.All(v.Rows, r => Assert.True(double.IsFinite(r.LeaveOneOutNs) && r.LeaveOneOutNs > 0));
        Assert.Contains(v.Skipped, s => s.Quantity == "probe.exits/cpuid-cpl0");
    }

    [Fact]
    public void MeasuredFields_AreNotFitted()
    {
        PvmValidation v = PvmValidator.Validate(PvmHere.Profile(), ProbeRunReader.Read(Saved));
        Assert.DoesNotContain(v.Fit.Fields, f => f.Field is "Pvm.EmulatedAlu" or "Pvm.EmulatedStore" or "HostTimerInterrupt");
        Assert.Contains(v.Fit.Fields, f => f.Field == "ThreadWakeup" && f.Identified);
    }

    [Fact]
    public void VmxProfile_IsRefused() =>
        Assert.Throws<ArgumentException>(() => PvmValidator.Validate(Profiles.SkylakeSp2020(), ProbeRunReader.Read(Saved)));

    [Fact]
    public void BadProbeFile_NamesFileLineAndKey()
    {
        var e = Assert.Throws<KvmLab.Scenarios.ScenarioException>(() => ProbeRunReader.Parse("{\n \"environment\": {\"tsc_khz\": 1},\n \"x\": 1\n}", "bad.json"));
        Assert.Equal("bad.json", e.File);
        Assert.Equal("probes", e.Key);
    }
}
