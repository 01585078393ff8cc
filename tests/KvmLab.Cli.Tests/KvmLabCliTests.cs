using System.Text.Json;

namespace KvmLab.Cli.Tests;

/// <summary>The `kvmlab` command line, called in-process: exit codes 0 ok, 1 failure, 2 usage (ExitCodes).</summary>
public sealed class KvmLabCliTests : IDisposable
{
    private readonly string _tmp = Path.Combine(Path.GetTempPath(), $"kvmlab-cli-tests-{Guid.NewGuid():N}");

    public KvmLabCliTests()
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

    private static string[] Lines(string s) => s.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static string KutIpi => RepoPaths.Scenario("kut-ipi.yaml");

    [Fact]
    public void List_ExitsZeroAndNamesExperimentsAndProfiles()
    {
        var (code, stdout, _) = Cli("list");
        Assert.Equal(0, code);
        Assert.Contains("ipi-fastpath-unittest", stdout, StringComparison.Ordinal);
        Assert.Contains("skylake-sp-2020", stdout, StringComparison.Ordinal);
        Assert.Contains("ipi-fastpath", stdout, StringComparison.Ordinal);
        Assert.Contains("kut-ipi", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Help_ExitsZero()
    {
        var (code, stdout, _) = Cli("--help");
        Assert.Equal(0, code);
        Assert.Contains("reproduce", stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("frobnicate")]
    [InlineData("list", "--frobnicate")]
    [InlineData("run")]
    public void UsageErrors_ExitTwo(params string[] args)
    {
        var (code, stdout, stderr) = Cli(args);
        Assert.Equal(2, code);
        Assert.Equal("", stdout);
        Assert.NotEqual("", stderr);
    }

    [Fact]
    public void Run_MissingFile_ExitsOneWithOneLineNamingTheFile()
    {
        string missing = Path.Combine(_tmp, "nope.yaml");
        var (code, stdout, stderr) = Cli("run", missing);
        Assert.Equal(1, code);
        Assert.Equal("", stdout);
        string line = Assert.Single(Lines(stderr));
        Assert.Contains(missing, line, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_MalformedScenario_ExitsOneWithFileAndLine()
    {
        string file = Path.Combine(_tmp, "bad.yaml");
        File.WriteAllText(file, "name: bad\nduration: -5ms\nvms:\n  - vcpus: 2\nworkload:\n  type: kut-ipi\n");
        var (code, stdout, stderr) = Cli("run", file);
        Assert.Equal(1, code);
        Assert.Equal("", stdout);
        string line = Assert.Single(Lines(stderr));
        Assert.Contains($"{file}:2: duration:", line, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_Json_IsDeterministic()
    {
        var a = Cli("run", KutIpi, "--json", "--seed", "3");
        var b = Cli("run", KutIpi, "--json", "--seed", "3");
        Assert.Equal(0, a.Code);
        Assert.Equal(a.Out, b.Out);

        string json = Assert.Single(Lines(a.Out));
        using JsonDocument doc = JsonDocument.Parse(json);
        Assert.Equal(3UL, doc.RootElement.GetProperty("seed").GetUInt64());
        Assert.True(doc.RootElement.GetProperty("metrics").GetProperty("iterations").GetProperty("value").GetDouble() > 0);
    }

    [Fact]
    public void Run_Table_ExitsZero()
    {
        var (code, stdout, _) = Cli("run", KutIpi);
        Assert.Equal(0, code);
        Assert.Contains("cycles_per_ipi", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_Table_ShowsNonZeroMetricsUnlessAllMetrics()
    {
        // kvm-unit-tests' IPI test takes no PAUSE-loop exits: ple_exits is zero.
        var (_, shown, _) = Cli("run", KutIpi);
        Assert.DoesNotContain("ple_exits", shown, StringComparison.Ordinal);
        Assert.Contains("exits_per_s.total", shown, StringComparison.Ordinal);
        Assert.Matches(@"\(\d+ metrics are zero and not shown: --all-metrics shows them", shown);
        var (code, all, _) = Cli("run", KutIpi, "--all-metrics");
        Assert.Equal(0, code);
        Assert.Contains("ple_exits", all, StringComparison.Ordinal);
        Assert.DoesNotContain("not shown", all, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_Trace_WritesJsonFile()
    {
        string trace = Path.Combine(_tmp, "trace.json");
        var (code, _, stderr) = Cli("run", KutIpi, "--trace", trace);
        Assert.Equal(0, code);
        Assert.True(File.Exists(trace));
        Assert.False(File.Exists(trace + ".partial"));
        Assert.Contains(trace, stderr, StringComparison.Ordinal);

        using JsonDocument doc = JsonDocument.Parse(File.ReadAllBytes(trace));
        Assert.True(doc.RootElement.GetProperty("traceEvents").GetArrayLength() > 0);
    }

    [Fact]
    public void Reproduce_UnknownExperiment_ExitsTwo()
    {
        var (code, stdout, stderr) = Cli("reproduce", "nope");
        Assert.Equal(2, code);
        Assert.Equal("", stdout);
        Assert.Contains("nope", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Reproduce_NoIds_ExitsTwo()
    {
        var (code, _, _) = Cli("reproduce");
        Assert.Equal(2, code);
    }

    [Fact]
    public void Reproduce_Json_PrintsOneLineWithId()
    {
        var (code, stdout, _) = Cli("reproduce", "ipi-fastpath-unittest", "--json");
        Assert.Equal(0, code);
        string line = Assert.Single(Lines(stdout));
        using JsonDocument doc = JsonDocument.Parse(line);
        Assert.Equal("ipi-fastpath-unittest", doc.RootElement.GetProperty("id").GetString());
    }
}
