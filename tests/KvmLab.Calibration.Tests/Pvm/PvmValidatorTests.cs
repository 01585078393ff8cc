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

/// <summary>
/// The dawn runs (data/measurements/pvm-here/dawn/README.md): a profile fitted to one run predicts
/// another run of the same host state it never saw, and halt polling follows each run's own
/// condition (KVM's poll counters), not a rule of one host.
/// </summary>
public class PvmDawnRunsTests(ITestOutputHelper output)
{
    private static readonly string Dawn = Path.Combine(RepoPaths.Root, "data", "measurements", "pvm-here", "dawn");

    private static ProbeRunFile Run(string name) => ProbeRunReader.Read(Path.Combine(Dawn, $"probe-{name}.json"));

    [Theory]
    [InlineData("q2")]
    [InlineData("first")]
    [InlineData("busy")]
    public void ProfileFittedToQ1_PredictsAnotherRun_WithinTwentyFivePercent(string run)
    {
        CostProfile p = Profiles.Find("pvm-here-xeon")!;
        PvmValidation v = PvmValidator.Validate(p, Run(run));
        output.WriteLine($"{run}: median {v.MedianAbsErrorPercent:0.0}% loo {v.LooMedianErrorPercent:0.0}%");
        Assert.Equal(29, v.Rows.Count);
        Assert.InRange(v.MedianAbsErrorPercent, 0, 25);
        Assert.InRange(v.LooMedianErrorPercent, 0, 25);
    }

    [Fact]
    public void PollShare_ComesFromTheRun_AndDecidesTheTimerPath()
    {
        ProbeRunFile quiet = Run("q1"), busy = Run("busy");
        Assert.InRange(quiet.HaltPollSuccessShare!.Value, 0.95, 1);
        Assert.Equal(0, busy.HaltPollSuccessShare!.Value);

        CostProfile p = Profiles.Find("pvm-here-xeon")!;
        double Predict(ProbeRunFile r, string probe)
        {
            var entry = ProbeCatalogWriter.Catalog(r, "pvm-here").Entries.Single(e => e.Quantity == "probe." + probe);
            return PvmProbeModel.PredictNs(probe, p, PvmRunConditions.FromConfig(entry.Config));
        }

        // Polls run: the 50 us deadline is caught by the poll loop, faster than with polling off.
        Assert.True(Predict(quiet, "timer/deadline-50us") < Predict(quiet, "timer/halt-poll-0us"));
        // Polls abort: the same probe sleeps like polling off.
        Assert.Equal(Predict(busy, "timer/halt-poll-0us"), Predict(busy, "timer/deadline-50us"), 1);
        // The probe's own KVM_CAP_HALT_POLL maximum: 10 us never covers the wait.
        Assert.Equal(Predict(quiet, "timer/halt-poll-0us"), Predict(quiet, "timer/halt-poll-10us"), 1);
    }

    [Fact]
    public void CalibratingOnAnotherHost_TurnsTheBaseMeasurementsIntoEstimates()
    {
        CostProfile here = PvmCalibration.Calibrate(Run("q1"), PvmHere.Profile()).Profile;
        Assert.Equal(SourceKind.Estimate, here.SourceOf("HostTimerInterrupt").Kind);
        Assert.Contains("not on this one", here.SourceOf("HostTimerInterrupt").Detail, StringComparison.Ordinal);

        ProbeRunFile afternoon = ProbeRunReader.Read(Path.Combine(RepoPaths.Root, "data", "measurements", "pvm-here", "probe-2026-12-02T1437Z.json"));
        CostProfile same = PvmCalibration.Calibrate(afternoon, PvmHere.Profile()).Profile;
        Assert.Equal(SourceKind.Measured, same.SourceOf("HostTimerInterrupt").Kind);
    }
}
