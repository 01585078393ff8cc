using System.Text.Json;

namespace KvmLab.Cli.Tests;

/// <summary>Issue 13, item 5: experiments run on the fitted profile of their platform; `--estimates` on the estimates; one provenance line per profile.</summary>
public sealed class ReproduceProfileTests
{
    private static (int Code, string Out, string Err) Cli(params string[] args)
    {
        using var o = new StringWriter();
        using var e = new StringWriter();
        int code = KvmLabCli.Run(args, o, e);
        return (code, o.ToString(), e.ToString());
    }

    [Fact]
    public void Reproduce_UsesTheFittedProfile_AndEstimatesUsesTheEstimates()
    {
        var (code, fitted, _) = Cli("reproduce", "ipi-fastpath-unittest", "--json", "--jobs", "1");
        var (code2, estimated, _) = Cli("reproduce", "ipi-fastpath-unittest", "--json", "--jobs", "1", "--estimates");
        Assert.Equal(0, code);
        Assert.Equal(0, code2);

        using JsonDocument f = JsonDocument.Parse(fitted);
        using JsonDocument e = JsonDocument.Parse(estimated);
        Assert.Equal("skylake-sp-2020", f.RootElement.GetProperty("profile").GetString());
        Assert.Equal("skylake-sp-2020-estimates", e.RootElement.GetProperty("profile").GetString());
        Assert.StartsWith("skylake-sp-2020: ", f.RootElement.GetProperty("profile_provenance").GetString(), StringComparison.Ordinal);
        Assert.Contains("fit to data/measurements/skylake-sp-2020.yaml", f.RootElement.GetProperty("profile_provenance").GetString(), StringComparison.Ordinal);
        Assert.Contains("estimates, before the fit", e.RootElement.GetProperty("profile_provenance").GetString(), StringComparison.Ordinal);
        // The fitted costs change the model's numbers.
        Assert.NotEqual(
            f.RootElement.GetProperty("model_change_percent").GetDouble(),
            e.RootElement.GetProperty("model_change_percent").GetDouble());
    }

    [Fact]
    public void Reproduce_PrintsOneProvenanceLinePerProfile()
    {
        var (code, stdout, _) = Cli("reproduce", "ipi-fastpath-unittest", "timer-fastpath-cyclictest", "--jobs", "1");
        Assert.Equal(0, code);
        string[] lines = stdout.Split('\n');
        int at = Array.IndexOf(lines, "profiles:");
        Assert.True(at >= 0, stdout);
        Assert.StartsWith("  skylake-sp-2020: ", lines[at + 1], StringComparison.Ordinal);
        Assert.StartsWith("2 experiment(s)", lines[at + 2], StringComparison.Ordinal); // one profile, one line
    }

    [Fact]
    public void EstimatesAndProfile_AreRefusedTogether()
    {
        var (code, _, stderr) = Cli("reproduce", "ipi-fastpath-unittest", "--estimates", "--profile", "x.json");
        Assert.Equal(2, code);
        Assert.Contains("--estimates and --profile", stderr, StringComparison.Ordinal);
    }
}
