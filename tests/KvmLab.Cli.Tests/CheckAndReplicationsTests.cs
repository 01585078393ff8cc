using System.Text.Json;
using KvmLab.Scenarios;

namespace KvmLab.Cli.Tests;

/// <summary>`run --check`, `run --replications N` and `reproduce --check` (issue 11).</summary>
public sealed class CheckAndReplicationsTests
{
    private static (int Code, string Out, string Err) Cli(params string[] args)
    {
        using var o = new StringWriter();
        using var e = new StringWriter();
        int code = KvmLabCli.Run(args, o, e);
        return (code, o.ToString(), e.ToString());
    }

    [Fact]
    public void TestRuns_AreFullyChecked()
    {
        // tests/test.runsettings sets KVMLAB_CHECK=full, so every simulation under test audits every slice.
        Assert.Equal(Model.Invariants.InvariantLevel.Full, ScenarioRunner.DefaultChecks);
    }

    [Fact]
    public void RunCheck_PassesOnAShippedScenario()
    {
        var (code, stdout, stderr) = Cli("run", RepoPaths.Scenario("kut-ipi.yaml"), "--check", "--json");

        Assert.Equal(0, code);
        Assert.Contains("cycles_per_ipi", stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("invariant", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void RunReplications_PrintsMeansWithIntervals_AndSaysDeterministicWhereAllAgree()
    {
        var (code, stdout, _) = Cli("run", RepoPaths.Scenario("kut-ipi.yaml"), "--replications", "3", "--json");

        Assert.Equal(0, code);
        using var doc = JsonDocument.Parse(stdout);
        Assert.Equal(3, doc.RootElement.GetProperty("replications").GetInt32());
        JsonElement cycles = doc.RootElement.GetProperty("metrics").GetProperty("cycles_per_ipi");
        Assert.True(cycles.GetProperty("mean").GetDouble() > 0);
        bool deterministic = cycles.GetProperty("deterministic").GetBoolean();
        Assert.Equal(deterministic, cycles.GetProperty("ci95").GetDouble() == 0);
    }

    [Fact]
    public void RunReplications_SameBytesTwice()
    {
        string a = Cli("run", RepoPaths.Scenario("memcached.yaml"), "--replications", "2", "--json").Out;
        string b = Cli("run", RepoPaths.Scenario("memcached.yaml"), "--replications", "2", "--json").Out;

        Assert.Equal(a, b);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-3")]
    public void RunReplications_BelowOne_IsAUsageError(string n)
    {
        var (code, stdout, stderr) = Cli("run", RepoPaths.Scenario("kut-ipi.yaml"), "--replications", n);

        Assert.Equal(2, code);
        Assert.Equal("", stdout);
        Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public void RunReplications_WithTrace_IsAUsageError()
    {
        var (code, _, stderr) = Cli("run", RepoPaths.Scenario("kut-ipi.yaml"), "--replications", "2", "--trace", "x.json");

        Assert.Equal(2, code);
        Assert.Contains("--trace records one run", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void ReproduceCheck_RunsAnExperimentFullyChecked()
    {
        var (code, stdout, _) = Cli("reproduce", "ipi-fastpath-unittest", "--check", "--json");

        Assert.Equal(0, code);
        Assert.Contains("\"deterministic\":", stdout, StringComparison.Ordinal);
    }
}
