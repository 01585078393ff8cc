using System.Text.Json;
using KvmLab.Cli;

namespace KvmLab.Cli.Tests;

public class CompareCommandTests
{
    private static (int Code, string Out, string Err) Cli(params string[] args)
    {
        using var o = new StringWriter();
        using var e = new StringWriter();
        int code = KvmLabCli.Run(args, o, e);
        return (code, o.ToString(), e.ToString());
    }

    private static readonly string Cyclictest = RepoPaths.Scenario("cyclictest.yaml");

    [Fact]
    public void Cyclictest_RankedTable_WithIntervalsCpuAndExits()
    {
        var (code, stdout, stderr) = Cli("compare", Cyclictest, "--features", "timer-fastpath,preemption-timer,passthrough-timer", "--duration", "100ms", "--replications", "2");
        Assert.True(code == 0, stderr);
        Assert.Contains("ranked by latency_avg (us, lower is better)", stdout, StringComparison.Ordinal);
        Assert.Contains("pCPU cores", stdout, StringComparison.Ordinal);
        Assert.Contains("+passthrough-timer !", stdout, StringComparison.Ordinal); // trusted guest flagged
        Assert.Contains("only for a trusted guest", stdout, StringComparison.Ordinal);
        Assert.Contains("MsrWrite", stdout, StringComparison.Ordinal); // the exits that explain it
        // Without the preemption timer the timer fastpath has nothing to take: said so.
        Assert.Contains("changes nothing here", stdout, StringComparison.Ordinal);
        Assert.Contains("run 16/16", stderr, StringComparison.Ordinal); // progress on stderr
        Assert.Contains(stdout.Split('\n'), l => l.StartsWith("baseline ", StringComparison.Ordinal));
    }

    [Fact]
    public void Memcached_RankedTable_ThroughputHigherIsBetter()
    {
        var (code, stdout, stderr) = Cli("compare", RepoPaths.Scenario("memcached.yaml"), "--features", "passthrough-timer,halt-polling", "--duration", "20ms", "--replications", "2");
        Assert.True(code == 0, stderr);
        Assert.Contains("ranked by ops_per_s (ops/s, higher is better)", stdout, StringComparison.Ordinal);
        Assert.Contains("+-", stdout, StringComparison.Ordinal); // intervals
        Assert.Contains("+halt-polling", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Json_TwoRunsAndAnyJobCount_AreByteIdentical()
    {
        string[] args = ["compare", Cyclictest, "--features", "timer-fastpath,preemption-timer", "--duration", "60ms", "--replications", "2", "--json"];
        var (c1, a, _) = Cli([.. args, "--jobs", "1"]);
        var (c2, b, _) = Cli([.. args, "--jobs", "2"]);
        var (_, again, _) = Cli([.. args, "--jobs", "1"]);
        Assert.Equal(0, c1);
        Assert.Equal(0, c2);
        Assert.Equal(a, b);
        Assert.Equal(a, again);
        using JsonDocument doc = JsonDocument.Parse(a);
        Assert.Equal("kvmlab-compare/1", doc.RootElement.GetProperty("schema").GetString());
        // With two features, each left out of all is the other alone: baseline, +a, +b, all.
        Assert.Equal(4, doc.RootElement.GetProperty("sets").GetArrayLength());
    }

    [Fact]
    public void Factorial_ReportsMainEffectsAndInteractions()
    {
        var (code, stdout, stderr) = Cli("compare", Cyclictest, "--features", "timer-fastpath,preemption-timer", "--design", "factorial", "--duration", "60ms", "--replications", "2", "--json");
        Assert.True(code == 0, stderr);
        using JsonDocument doc = JsonDocument.Parse(stdout);
        JsonElement sets = doc.RootElement.GetProperty("sets");
        Assert.Equal(4, sets.GetArrayLength());
        JsonElement[] effects = [.. doc.RootElement.GetProperty("effects").EnumerateArray()];
        Assert.Equal(["timer-fastpath", "preemption-timer", "timer-fastpath x preemption-timer"], effects.Select(e => e.GetProperty("name").GetString()));
        double Mean(string name) => sets.EnumerateArray().Single(s => s.GetProperty("name").GetString() == name).GetProperty("mean").GetDouble();
        // Main effect of the preemption timer: mean where on minus mean where off.
        double expected = ((Mean("+preemption-timer") + Mean("+timer-fastpath+preemption-timer")) - (Mean("baseline") + Mean("+timer-fastpath"))) / 2;
        Assert.Equal(expected, effects[1].GetProperty("value").GetDouble(), 5);
    }

    [Fact]
    public void DefaultFeatures_AreThePlatformsLessThoseASetCannotHave()
    {
        var (code, stdout, stderr) = Cli("compare", Cyclictest, "--duration", "30ms", "--replications", "2", "--json", "--design", "leave-one-out");
        Assert.True(code == 0, stderr);
        using JsonDocument doc = JsonDocument.Parse(stdout);
        string[] features = [.. doc.RootElement.GetProperty("features").EnumerateArray().Select(f => f.GetString()!)];
        Assert.True(doc.RootElement.GetProperty("default_features").GetBoolean());
        Assert.Contains("apicv", features);
        Assert.DoesNotContain("avic", features); // AMD only: not this Intel platform's
        Assert.Contains("exitless-pv-ipi", doc.RootElement.GetProperty("trusted_guest_only").EnumerateArray().Select(f => f.GetString()).Concat(
            doc.RootElement.GetProperty("left_out").EnumerateArray().Select(f => f.GetProperty("feature").GetString())));
    }

    [Fact]
    public void PlatformConflict_IsRefusedAtLoad_WithFileLineKey()
    {
        var (code, stdout, stderr) = Cli("compare", Cyclictest, "--features", "avic");
        Assert.Equal(1, code);
        Assert.Equal("", stdout);
        Assert.Single(stderr.Trim().Split('\n'));
        Assert.Matches(@"cyclictest\.yaml:\d+: features: .*avic.*needs an AMD host", stderr);
    }

    [Theory]
    [InlineData("--features", "no-such-feature", "unknown feature 'no-such-feature'")]
    [InlineData("--design", "random", "--design 'random'")]
    [InlineData("--replications", "1", "--replications 1 is out of range")]
    [InlineData("--metric", "no_such_metric", "no metric 'no_such_metric'")]
    public void BadInput_IsOneLine_ExitTwo(string option, string value, string message)
    {
        var (code, _, stderr) = Cli("compare", Cyclictest, "--features", option == "--features" ? value : "timer-fastpath", "--duration", "30ms",
            option == "--features" ? "--seed" : option, option == "--features" ? "1" : value);
        Assert.Equal(2, code);
        Assert.Contains(message, stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Plot_WritesTheChart()
    {
        string png = Path.Combine(Path.GetTempPath(), $"kvmlab-compare-{Environment.ProcessId}.png");
        try
        {
            var (code, _, stderr) = Cli("compare", Cyclictest, "--features", "timer-fastpath,preemption-timer", "--duration", "30ms", "--replications", "2", "--plot", png);
            Assert.True(code == 0, stderr);
            Assert.True(new FileInfo(png).Length > 1000);
        }
        finally
        {
            File.Delete(png);
        }
    }
}
