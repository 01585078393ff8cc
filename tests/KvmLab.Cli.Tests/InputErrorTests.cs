using KvmLab.Model.Hardware;
using KvmLab.Model.Hardware.ProfileFiles;
using KvmLab.RealKvm.Calibration;

namespace KvmLab.Cli.Tests;

/// <summary>
/// What a user who types something wrong sees: one line on standard error naming what and where,
/// exit 1 (bad input) or 2 (usage), nothing on standard output, and nothing left on disk.
/// </summary>
public sealed class InputErrorTests : IDisposable
{
    private readonly string _tmp = Path.Combine(Path.GetTempPath(), $"kvmlab-input-{Guid.NewGuid():N}");

    public InputErrorTests() => Directory.CreateDirectory(_tmp);

    public void Dispose() => Directory.Delete(_tmp, recursive: true);

    private static (int Code, string Out, string Err) Cli(string[] args, CancellationToken cancel = default)
    {
        using var o = new StringWriter();
        using var e = new StringWriter();
        int code = KvmLabCli.Run(args, o, e, cancel);
        return (code, o.ToString(), e.ToString());
    }

    private static string OneLine(string stderr) =>
        Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    private string Scenario(string workload, string duration = "2ms")
    {
        string path = Path.Combine(_tmp, $"s{Guid.NewGuid():N}.yaml");
        File.WriteAllText(path, $"name: s\nduration: {duration}\nwarmup: 0ms\nmachine: {{ pcpus: 4 }}\nvms:\n  - vcpus: 2\nworkload:\n{workload}\n");
        return path;
    }

    private static void AssertRefused((int Code, string Out, string Err) r, int code, string text)
    {
        Assert.Equal(code, r.Code);
        Assert.Equal("", r.Out);
        string line = OneLine(r.Err);
        Assert.StartsWith("kvmlab: ", line, StringComparison.Ordinal);
        Assert.Contains(text, line, StringComparison.Ordinal);
        Assert.DoesNotContain("System.", line, StringComparison.Ordinal);
    }

    [Fact]
    public void KvmlabAlone_PrintsTheHelpAndExitsZero()
    {
        var (code, stdout, stderr) = Cli([]);
        Assert.Equal(0, code);
        Assert.Contains("Usage:", stdout, StringComparison.Ordinal);
        Assert.Contains("reproduce", stdout, StringComparison.Ordinal);
        Assert.Equal("", stderr);
    }

    [Theory]
    [InlineData("--seed", "abc", "expected a whole number from 0 to 18446744073709551615")]
    [InlineData("--seed", "-1", "expected a whole number from 0 to 18446744073709551615")]
    [InlineData("--seed", "18446744073709551616", "expected a whole number from 0 to 18446744073709551615")]
    public void BadOptionValue_SaysWhatToWriteWithoutDotNetTypeNames(string option, string value, string text)
    {
        var r = Cli(["run", RepoPaths.Scenario("kut-ipi.yaml"), option, value]);
        AssertRefused(r, 2, text);
        Assert.DoesNotContain("Nullable", r.Err, StringComparison.Ordinal);
        Assert.Contains("try 'kvmlab run --help'", r.Err, StringComparison.Ordinal);
    }

    [Fact]
    public void ChoiceOption_ListsTheChoicesOnOneLine()
    {
        AssertRefused(Cli(["probe", "--suite", "nope"]), 2, "'exits', 'ipi', 'timer', 'notify', 'all'");
    }

    [Theory]
    [InlineData("calibrate", "0")]
    [InlineData("calibrate", "-5")]
    [InlineData("validate", "-5")]
    [InlineData("validate", "0")]
    [InlineData("probe", "19")]
    [InlineData("probe", "100001")]
    public void SamplesOutOfRange_AreRefusedBeforeAnyProbe(string command, string samples)
    {
        string[] args = command == "calibrate" ? [command, "--samples", samples, "--out", Path.Combine(_tmp, "p.json")] : [command, "--samples", samples];
        AssertRefused(Cli(args), 2, $"--samples {samples} is out of range: it must be from 20 to 100000");
        Assert.False(File.Exists(Path.Combine(_tmp, "p.json")));
    }

    [Fact]
    public void ValidateWithAProfile_StillRefusesBadSamples()
    {
        AssertRefused(Cli(["validate", "--samples", "-5", "--profile", Path.Combine(_tmp, "none.json")]), 2, "--samples -5");
    }

    [Fact]
    public void PlatformConflict_NamesFileLineAndKey()
    {
        string path = Path.Combine(_tmp, "avic.yaml");
        File.WriteAllText(path, "name: avic-on-intel\nprofile: skylake-sp-2020\nfeatures: [avic, hlt-exits]\nvms:\n  - vcpus: 2\n    guest: { apic: xapic }\nworkload: { type: kut-ipi }\n");
        AssertRefused(Cli(["run", path]), 1, $"{path}:3: features: feature 'avic' needs an AMD host");
    }

    [Fact]
    public void ProfileOverride_IsCheckedAgainstTheScenarioBeforeTheRun()
    {
        // A calibrated profile whose base is AMD turns the scenario's apicv into a conflict.
        string profile = Path.Combine(_tmp, "amd.json");
        File.WriteAllText(profile, ProfileFile.Write(Calibrator.Calibrate([], 2_300_000, Profiles.Find("amd-rome-2020")!, "test")));
        string kut = RepoPaths.Scenario("kut-ipi.yaml");
        AssertRefused(Cli(["run", kut, "--profile", profile]), 1, $"{kut}:11: features: feature 'apicv' needs Intel VMX");
    }

    [Fact]
    public void UnicastTargets_AreRefusedWithTheirLine()
    {
        string path = Scenario("  type: ipi-bench\n  targets: [5, 7]");
        AssertRefused(Cli(["run", path]), 1, $"{path}:9: workload.targets: targets are read in multicast mode only");
    }

    [Fact]
    public void HugeHackbench_IsRefusedAtOnce_AndTheFlagRaisesTheLimit()
    {
        string path = Scenario("  type: hackbench\n  groups: 1000000");
        var r = Cli(["run", path]);
        AssertRefused(r, 1, $"{path}:9: workload.groups: the run needs about");
        Assert.Contains("--max-memory", r.Err, StringComparison.Ordinal);

        // A limit below what a small run needs refuses it too; one above lets it run.
        string small = Scenario("  type: hackbench\n  groups: 10\n  loops: 2");
        AssertRefused(Cli(["run", small, "--max-memory", "1M"]), 1, "more than the limit of 1 MiB");
        Assert.Equal(0, Cli(["run", small, "--max-memory", "1G"]).Code);
    }

    [Theory]
    [InlineData("10Q")]
    [InlineData("0")]
    [InlineData("-1G")]
    public void BadMaxMemory_IsAUsageError(string value)
    {
        AssertRefused(Cli(["run", RepoPaths.Scenario("kut-ipi.yaml"), "--max-memory", value]), 2, "--max-memory");
    }

    [Fact]
    public void TraceToADirectory_IsRefusedBeforeTheRun_AndLeavesNoPartial()
    {
        string dir = Path.Combine(_tmp, "tracedir");
        Directory.CreateDirectory(dir);
        AssertRefused(Cli(["run", RepoPaths.Scenario("kut-ipi.yaml"), "--trace", dir]), 1, "is a directory");
        Assert.False(File.Exists(dir + ".partial"));
    }

    [Fact]
    public void TraceUnderAFile_IsRefusedBeforeTheRun()
    {
        string file = Path.Combine(_tmp, "plain.txt");
        File.WriteAllText(file, "x");
        AssertRefused(Cli(["run", RepoPaths.Scenario("kut-ipi.yaml"), "--trace", Path.Combine(file, "t.json")]), 1, "is a file, not a directory");
    }

    [Fact]
    public void TraceInAMissingDirectory_IsCreated()
    {
        string trace = Path.Combine(_tmp, "new", "deeper", "t.json");
        Assert.Equal(0, Cli(["run", Scenario("  type: kut-ipi"), "--trace", trace]).Code);
        Assert.True(File.Exists(trace));
    }

    [Fact]
    public void InterruptedRun_ExitsOneWithOneLine_AndLeavesNoTraceOrPartial()
    {
        string trace = Path.Combine(_tmp, "cut.json");
        using var cts = new CancellationTokenSource();
        cts.Cancel(); // as Ctrl-C before the first slice: the run stops at once
        var r = Cli(["run", Scenario("  type: kut-ipi", "1s"), "--trace", trace], cts.Token);
        AssertRefused(r, 1, "interrupted at 0.0 ms of 1000.0 ms simulated; no results and no trace written");
        Assert.False(File.Exists(trace));
        Assert.False(File.Exists(trace + ".partial"));
    }

    [Fact]
    public void ReportIntoAnExistingFile_IsRefusedBeforeAnyExperimentRuns()
    {
        string file = Path.Combine(_tmp, "report.txt");
        File.WriteAllText(file, "x");
        AssertRefused(Cli(["reproduce", "--all", "--report", file]), 1, "is an existing file; give a directory");
    }

    [Fact]
    public void SweepOutIntoAFile_AndJobsOutOfRange_AreRefused()
    {
        string file = Path.Combine(_tmp, "out.txt");
        File.WriteAllText(file, "x");
        string sweep = RepoPaths.Sweep("kut-ipi-halt-poll.yaml");
        AssertRefused(Cli(["sweep", sweep, "--out", file]), 1, "is an existing file");
        AssertRefused(Cli(["sweep", sweep, "--jobs", "0", "--out", Path.Combine(_tmp, "o")]), 2, "--jobs 0 is out of range: it must be from 1 to 1024");
    }

    [Fact]
    public void CalibrateOutIntoADirectory_IsRefusedBeforeAnyProbe()
    {
        AssertRefused(Cli(["calibrate", "--out", _tmp, "--device", Path.Combine(_tmp, "no-kvm")]), 1, "is a directory");
    }

    [Fact]
    public void BrokenProfileJson_NamesFileLineAndKey()
    {
        string profile = Path.Combine(_tmp, "big.json");
        string text = ProfileFile.Write(Calibrator.Calibrate([], 2_400_000, Profiles.SkylakeSp2020(), "test"));
        File.WriteAllText(profile, text.Replace("\"tsc_ghz\": 2.4", "\"tsc_ghz\": 0", StringComparison.Ordinal));
        var r = Cli(["run", RepoPaths.Scenario("kut-ipi.yaml"), "--profile", profile]);
        AssertRefused(r, 1, "tsc_ghz: 0 is out of range: it must be from 0.1 to 10 GHz");
        Assert.Matches(@":[0-9]+: tsc_ghz:", r.Err);
    }

    [Fact]
    public void ScenarioWithNoSamples_SaysSoInsteadOfNaN()
    {
        // The first wake-up is after 5 ms, the run lasts 2 ms.
        var (code, stdout, _) = Cli(["run", Scenario("  type: cyclictest\n  interval_us: 5000")]);
        Assert.Equal(0, code);
        Assert.Contains("(no samples", stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("NaN", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void ShortRun_PrintsNothingOnStandardError()
    {
        // Progress is for runs longer than a few seconds; a quick run stays quiet.
        var (code, _, stderr) = Cli(["run", Scenario("  type: kut-ipi")]);
        Assert.Equal(0, code);
        Assert.Equal("", stderr);
    }
}
