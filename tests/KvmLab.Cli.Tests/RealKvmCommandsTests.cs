namespace KvmLab.Cli.Tests;

/// <summary>probe, calibrate, validate and --profile through the command line.</summary>
public sealed class RealKvmCommandsTests : IDisposable
{
    private readonly string _tmp = Path.Combine(Path.GetTempPath(), $"kvmlab-realkvm-cli-{Guid.NewGuid():N}");

    public RealKvmCommandsTests()
    {
        Directory.CreateDirectory(_tmp);
    }

    public void Dispose()
    {
        Directory.Delete(_tmp, recursive: true);
    }

    private static (int Code, string Out, string Err) Cli(params string[] args)
    {
        using var o = new StringWriter();
        using var e = new StringWriter();
        int code = KvmLabCli.Run(args, o, e);
        return (code, o.ToString(), e.ToString());
    }

    [Fact]
    public void Probe_WithoutTheDevice_ExitsOneWithOneClearLine()
    {
        var (code, stdout, stderr) = Cli("probe", "--device", "/nonexistent/kvm");
        Assert.Equal(1, code);
        Assert.Equal("", stdout);
        Assert.Equal("kvmlab: probe: cannot use /nonexistent/kvm: open(/nonexistent/kvm) failed: ENOENT (No such file or directory)", stderr.Trim());
    }

    [Fact]
    public void Probe_UnknownSuite_IsAUsageError()
    {
        var (code, _, stderr) = Cli("probe", "--suite", "bogus");
        Assert.Equal(2, code);
        Assert.Contains("bogus", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_WithABrokenProfile_OneLine()
    {
        string bad = Path.Combine(_tmp, "bad.json");
        File.WriteAllText(bad, "{\"format\": \"something else\"}");
        var (code, _, stderr) = Cli("run", RepoPaths.Scenario("kut-ipi.yaml"), "--profile", bad);
        Assert.Equal(1, code);
        Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains(":1: format: must be", stderr, StringComparison.Ordinal);
    }

    [KvmFact]
    public void ProbeCalibrateValidateRun_EndToEnd()
    {
        string dir = Path.Combine(_tmp, "samples");
        var probe = Cli("probe", "--suite", "exits", "--samples", "20", "--out", dir);
        Assert.Equal(0, probe.Code);
        Assert.Contains("KVM flavour", probe.Out, StringComparison.Ordinal);
        Assert.Contains("exits/mmio-user-cpl3", probe.Out, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(dir, "exits-mmio-user-cpl3.csv")));
        Assert.True(File.Exists(Path.Combine(dir, "probe.json")));

        var json = Cli("probe", "--suite", "ipi", "--samples", "20", "--json");
        Assert.Equal(0, json.Code);
        using (var doc = System.Text.Json.JsonDocument.Parse(json.Out))
        {
            Assert.NotEqual("", doc.RootElement.GetProperty("environment").GetProperty("flavour").GetString());
            Assert.True(doc.RootElement.GetProperty("probes").GetArrayLength() >= 6);
            Assert.True(doc.RootElement.GetProperty("comparisons").GetArrayLength() >= 1);
        }

        string profile = Path.Combine(_tmp, "profile.json");
        var cal = Cli("calibrate", "--out", profile, "--samples", "20");
        Assert.Equal(0, cal.Code);
        Assert.Contains("VmExit", cal.Out, StringComparison.Ordinal);
        Assert.Contains("measured", cal.Out, StringComparison.Ordinal);
        Assert.Contains("inherited", cal.Out, StringComparison.Ordinal);

        var val = Cli("validate", "--profile", profile);
        Assert.Equal(0, val.Code);
        Assert.Contains("IPI round trip, x2APIC, receiver halted", val.Out, StringComparison.Ordinal);
        Assert.Contains("%", val.Out, StringComparison.Ordinal);

        var run = Cli("run", RepoPaths.Scenario("kut-ipi.yaml"), "--profile", profile, "--json");
        Assert.Equal(0, run.Code);
        Assert.Contains("measured-here", run.Out, StringComparison.Ordinal);
    }
}
