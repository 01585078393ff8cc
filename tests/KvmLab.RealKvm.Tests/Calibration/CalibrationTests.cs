using KvmLab.Model.Hardware.ProfileFiles;
using KvmLab.Model.Hardware;
using KvmLab.RealKvm.Calibration;
using KvmLab.RealKvm.Probes;

namespace KvmLab.RealKvm.Tests.Calibration;

public sealed class CalibrationTests : IDisposable
{
    private readonly string _file = Path.Combine(Path.GetTempPath(), $"kvmlab-profile-{Guid.NewGuid():N}.json");

    public void Dispose() => File.Delete(_file);

    private static ProbeResult M(string suite, string name, double center, int n = 200, int seed = 1)
    {
        var r = new Random(seed);
        return ProbeResult.Measured(suite, name, "synthetic", [.. Enumerable.Range(0, n).Select(_ => center * (1 + ((r.NextDouble() - 0.5) * 0.02)))], 0);
    }

    private static CalibratedProfile Calibrate(params ProbeResult[] results) =>
        Calibrator.Calibrate(results, 2_600_000, Profiles.SkylakeSp2020(), "synthetic host");

    [Fact]
    public void ExitPath_SumsToTheCheapestInKernelExit_SplitInBaseProportions()
    {
        CalibratedProfile c = Calibrate(M("exits", "mmio-ioeventfd-cpl3", 2500), M("exits", "cpuid-cpl3", 3500));
        CostProfile b = Profiles.SkylakeSp2020();
        CostProfile p = c.Profile;

        double sum = p.VmExit.Ns + p.VmEntry.Ns + p.ExitHostIrqEnable.Ns + p.ExitHandlerDispatch.Ns + p.EnterGuestLoop.Ns;
        Assert.InRange(sum, 2490, 2510);
        Assert.Equal((double)b.VmExit.Ns / b.VmEntry.Ns, (double)p.VmExit.Ns / p.VmEntry.Ns, 1);
        Assert.Equal(2.6, p.TscGhz, 6);
        Assert.Equal(b.HltHandler, p.HltHandler);
        FieldOrigin exit = c.Fields.Single(f => f.Field == "VmExit");
        Assert.True(exit.Measured);
        Assert.Equal("exits/mmio-ioeventfd-cpl3", exit.Probe);
        Assert.False(c.Fields.Single(f => f.Field == "HltHandler").Measured);
    }

    [Fact]
    public void ExitPath_IgnoresAProbeKvmDidNotCountAsExits()
    {
        CalibratedProfile c = Calibrate(M("exits", "mmio-ioeventfd-cpl3", 2500), M("exits", "cpuid-cpl3", 1000) with { ExitsConfirmed = false });
        FieldOrigin exit = c.Fields.Single(f => f.Field == "VmExit");
        Assert.Equal("exits/mmio-ioeventfd-cpl3", exit.Probe);
    }

    [Fact]
    public void ThreadWakeup_MeasuredOnlyWhenPollingMakesADifference()
    {
        CalibratedProfile same = Calibrate(M("timer", "halt-poll-0us", 30000, seed: 1), M("timer", "halt-poll-1000us", 30000, seed: 2));
        Assert.False(same.Fields.Single(f => f.Field == "ThreadWakeup").Measured);

        CalibratedProfile diff = Calibrate(M("timer", "halt-poll-0us", 40000, seed: 1), M("timer", "halt-poll-1000us", 30000, seed: 2));
        FieldOrigin w = diff.Fields.Single(f => f.Field == "ThreadWakeup");
        Assert.True(w.Measured);
        Assert.InRange(w.Ns, 9000, 11000);
    }

    [Fact]
    public void NoProbes_EverythingInherited()
    {
        CalibratedProfile c = Calibrate();
        Assert.All(c.Fields.Where(f => f.Field != "TscGhz"), f => Assert.False(f.Measured));
        Assert.Equal(Profiles.SkylakeSp2020().VmExit, c.Profile.VmExit);
    }

    [Fact]
    public void File_RoundTrips()
    {
        CalibratedProfile c = Calibrate(M("exits", "mmio-ioeventfd-cpl3", 2500), M("ipi", "x2apic-msr-cpl0-halted", 16000));
        File.WriteAllText(_file, ProfileFile.Write(c));

        CalibratedProfile back = ProfileFile.Read(_file);

        Assert.Equal(c.Profile.Id, back.Profile.Id);
        Assert.Equal(c.Profile.TscGhz, back.Profile.TscGhz);
        foreach (var prop in CostProfile.SpanFields())
        {
            Assert.InRange(Math.Abs(((KvmLab.Engine.Time.SimSpan)prop.GetValue(back.Profile)!).Ns - ((KvmLab.Engine.Time.SimSpan)prop.GetValue(c.Profile)!).Ns), 0, 1);
        }

        Assert.InRange(back.Measurements["ipi/x2apic-msr-cpl0-halted"], 15800, 16200);
        Assert.Equal(c.Fields.Count(f => f.Measured), back.Fields.Count(f => f.Measured));
    }

    [Fact]
    public void File_UnknownField_NamesIt()
    {
        File.WriteAllText(_file, ProfileFile.Write(Calibrate()).Replace("\"VmEntry\"", "\"VmEntryTypo\"", StringComparison.Ordinal));
        var e = Assert.Throws<InvalidDataException>(() => ProfileFile.Read(_file));
        Assert.Contains("fields.VmEntryTypo: unknown field", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void File_WithoutAField_InheritsItFromTheBase()
    {
        // A file written before the profile gained a field still loads; the field keeps the base's value.
        var node = System.Text.Json.Nodes.JsonNode.Parse(ProfileFile.Write(Calibrate()))!;
        node["fields"]!.AsObject().Remove("HltHandler");
        File.WriteAllText(_file, node.ToJsonString());
        CalibratedProfile back = ProfileFile.Read(_file);
        Assert.Equal(Profiles.SkylakeSp2020().HltHandler, back.Profile.HltHandler);
        Assert.Contains(back.Fields, f => f.Field == "HltHandler" && !f.Measured && f.Note.Contains("absent", StringComparison.Ordinal));
    }
}
