using KvmLab.Calibration.Catalog;
using KvmLab.TestSupport;

namespace KvmLab.Cli.Tests;

/// <summary>
/// `validate --from` and `calibrate --from --catalog-out` on the saved probe run of this machine
/// (data/measurements/pvm-here/probe-2026-12-02T1437Z.json): no /dev/kvm needed.
/// </summary>
public sealed class PvmValidateCommandTests : IDisposable
{
    private static readonly string Saved = Path.Combine(RepoPaths.Root, "data", "measurements", "pvm-here", "probe-2026-12-02T1437Z.json");
    private readonly string _tmp = Path.Combine(Path.GetTempPath(), $"kvmlab-pvm-{Guid.NewGuid():N}");

    public PvmValidateCommandTests() => Directory.CreateDirectory(_tmp);

    public void Dispose() => Directory.Delete(_tmp, recursive: true);

    private static (int Code, string Out, string Err) Cli(params string[] args)
    {
        using var o = new StringWriter();
        using var e = new StringWriter();
        int code = KvmLabCli.Run(args, o, e, default);
        return (code, o.ToString(), e.ToString());
    }

    [Fact]
    public void ValidateFromSavedRun_PrintsEveryProbeWithLeaveOneOut_MedianAtMost25Percent()
    {
        var table = Cli("validate", "--from", Saved);
        Assert.Equal(0, table.Code);
        Assert.Contains("ipi/x2apic-msr-cpl0-halted", table.Out, StringComparison.Ordinal);
        Assert.Contains("leave-1-out", table.Out, StringComparison.Ordinal);

        var json = Cli("validate", "--from", Saved, "--json");
        Assert.Equal(0, json.Code);
        using var doc = System.Text.Json.JsonDocument.Parse(json.Out);
        Assert.Equal("pvm-here", doc.RootElement.GetProperty("profile").GetString());
        Assert.Equal(28, doc.RootElement.GetProperty("probes").GetArrayLength());
        Assert.InRange(doc.RootElement.GetProperty("median_abs_error_percent").GetDouble(), 0, 25);
        Assert.InRange(doc.RootElement.GetProperty("loo_median_error_percent").GetDouble(), 0, 25);
        Assert.All(doc.RootElement.GetProperty("probes").EnumerateArray(), p => Assert.True(p.TryGetProperty("loo_ns", out _)));
    }

    [Fact]
    public void CalibrateFromSavedRun_WritesACatalogTheFitReads()
    {
        string catalog = Path.Combine(_tmp, "here.yaml");
        string profile = Path.Combine(_tmp, "here.json");
        var cal = Cli("calibrate", "--from", Saved, "--catalog-out", catalog, "--base", "pvm-here", "--out", profile);
        Assert.Equal(0, cal.Code);
        MeasurementCatalog c = MeasurementCatalog.Load(catalog);
        Assert.Equal("pvm-here", c.Platform);
        Assert.Contains(c.Entries, e => e.Quantity == "probe.ipi/xapic-mmio-cpl3-halted" && e.Use == EntryUse.Fit);
        Assert.Contains(c.Entries, e => e.Quantity == "probe.exits/cpuid-cpl0" && e.Use == EntryUse.Context); // negative median in this run
        Assert.Contains("Pvm.NativeExit", cal.Out, StringComparison.Ordinal);

        var fit = Cli("fit", "--catalog", catalog, "--json", "--jobs", "1");
        Assert.Equal(0, fit.Code);
        using var doc = System.Text.Json.JsonDocument.Parse(fit.Out);
        Assert.True(doc.RootElement.GetProperty("loo_median_error_percent").GetDouble() <= 25);

        var val = Cli("validate", "--profile", profile, "--json");
        Assert.Equal(0, val.Code);
        Assert.Contains("median_abs_error_percent", val.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void ValidateFromAMissingFile_IsOneLine()
    {
        var r = Cli("validate", "--from", Path.Combine(_tmp, "none.json"));
        Assert.Equal(1, r.Code);
        Assert.Equal("", r.Out);
        Assert.Single(r.Err.Trim().Split('\n'));
        Assert.Contains("none.json", r.Err, StringComparison.Ordinal);
    }

    [Fact]
    public void SimulatorRunOnThePvmProfile_IsRefusedWithFileLineKey()
    {
        string path = Path.Combine(_tmp, "p.yaml");
        File.WriteAllText(path, "name: p\nprofile: pvm-here\nfeatures: [halt-polling, hlt-exits]\nvms:\n  - vcpus: 2\n    guest: { kernel: kvm-unit-tests }\nworkload: { type: kut-ipi }\n");
        var r = Cli("run", path);
        Assert.Equal(1, r.Code);
        Assert.Contains($"{path}:2: profile: 'pvm-here' is a PVM host", r.Err, StringComparison.Ordinal);
    }
}
