using System.Diagnostics;

namespace KvmLab.Cli.Tests;

/// <summary>`kvmlab sweep` and `kvmlab merge` end to end, including a sweep process killed mid-way.</summary>
public sealed class SweepCommandTests : IDisposable
{
    private const string Base = """
        name: tiny-ipi
        seed: 7
        duration: 4ms
        warmup: 0.5ms
        machine:
          pcpus: 4
        features: [ipi-fastpath, apicv, halt-polling, hlt-exits]
        vms:
          - vcpus: 2
            pin: true
            guest: { kernel: kvm-unit-tests }
        workload:
          type: kut-ipi
        """;

    private const string Sweep = """
        name: kill-me
        scenario: base.yaml
        grid:
          machine.pcpus: [2, 4, 8, 16]
          seed: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]
        """;

    private readonly string _tmp = Path.Combine(Path.GetTempPath(), $"kvmlab-sweep-cli-{Guid.NewGuid():N}");

    public SweepCommandTests()
    {
        Directory.CreateDirectory(_tmp);
        File.WriteAllText(Path.Combine(_tmp, "base.yaml"), Base);
        File.WriteAllText(Path.Combine(_tmp, "sweep.yaml"), Sweep);
    }

    public void Dispose() => Directory.Delete(_tmp, recursive: true);

    private string P(string name) => Path.Combine(_tmp, name);

    private static (int Code, string Out, string Err) Cli(params string[] args)
    {
        using var o = new StringWriter();
        using var e = new StringWriter();
        int code = KvmLabCli.Run(args, o, e);
        return (code, o.ToString(), e.ToString());
    }

    [Fact]
    public void KilledSweepProcess_RestartedCompletesWithEveryPointExactlyOnce()
    {
        string dir = P("killed");
        using var child = StartSweep(dir);
        // Kill the process (SIGKILL, no chance to clean up) as soon as some points are journaled.
        WaitForProgress(child);
        child.Kill(entireProcessTree: true);
        child.WaitForExit();
        Assert.NotEqual(0, child.ExitCode);
        int before = File.ReadAllLines(Path.Combine(dir, "points.jsonl")).Length;
        Assert.InRange(before, 1, 39);

        var (code, stdout, stderr) = Cli("sweep", P("sweep.yaml"), "--out", dir, "--jobs", "2");
        Assert.True(code == 0, stderr);
        Assert.Contains($"40 points, {before} already done, {40 - before} run now", stdout, StringComparison.Ordinal);
        string[] journal = File.ReadAllLines(Path.Combine(dir, "points.jsonl"));
        Assert.Equal(40, journal.Length);
        Assert.Equal(40, journal.Select(l => l[..40]).Distinct().Count()); // each line starts with its point id

        var (code2, _, _) = Cli("sweep", P("sweep.yaml"), "--out", P("clean"), "--jobs", "2");
        Assert.Equal(0, code2);
        Assert.Equal(File.ReadAllText(P("clean/results.csv")), File.ReadAllText(Path.Combine(dir, "results.csv")));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void SigtermedSweep_LeavesResultsCsvAndResumesToTheCleanBytes(int signals)
    {
        // SIGTERM is what Slurm (scancel, preemption) and Kubernetes (pod deletion) send: once, the
        // points in flight finish; twice, they are dropped. Either way results.csv holds what the
        // journal holds, one line says how to resume, and the resumed run equals a clean one.
        string dir = P($"term{signals}");
        using var child = StartSweep(dir);
        WaitForProgress(child);
        for (int i = 0; i < signals; i++)
        {
            using var kill = Process.Start("kill", ["-TERM", child.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            kill.WaitForExit();
        }

        string rest = child.StandardError.ReadToEnd();
        child.WaitForExit();
        Assert.Equal(1, child.ExitCode);
        Assert.Contains("SIGTERM: letting the points in flight finish", rest, StringComparison.Ordinal);
        Assert.Contains("run the same command again to resume", rest, StringComparison.Ordinal);
        int journaled = File.ReadAllLines(Path.Combine(dir, "points.jsonl")).Length;
        Assert.InRange(journaled, 1, 39);
        Assert.Equal(journaled + 1, File.ReadAllLines(Path.Combine(dir, "results.csv")).Length);

        var (code, stdout, stderr) = Cli("sweep", P("sweep.yaml"), "--out", dir, "--jobs", "2");
        Assert.True(code == 0, stderr);
        Assert.Contains($"40 points, {journaled} already done", stdout, StringComparison.Ordinal);
        Assert.Equal(0, Cli("sweep", P("sweep.yaml"), "--out", P($"clean{signals}"), "--jobs", "2").Code);
        Assert.Equal(File.ReadAllText(P($"clean{signals}/results.csv")), File.ReadAllText(Path.Combine(dir, "results.csv")));
    }

    private Process StartSweep(string dir)
    {
        string dll = Path.Combine(AppContext.BaseDirectory, "kvmlab.dll");
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (string a in new[] { dll, "sweep", P("sweep.yaml"), "--out", dir, "--jobs", "1" })
        {
            psi.ArgumentList.Add(a);
        }

        return Process.Start(psi)!;
    }

    /// <summary>Reads progress lines (one per tenth of the sweep when redirected) until some points are journaled.</summary>
    private static void WaitForProgress(Process child)
    {
        string? line;
        while ((line = child.StandardError.ReadLine()) is not null)
        {
            if (line.Contains("/40 points", StringComparison.Ordinal) && !line.Contains("40/40", StringComparison.Ordinal))
            {
                return;
            }
        }

        Assert.Fail("the sweep finished before it could be signalled");
    }

    [Fact]
    public void ShardsThenMerge_GiveTheUnshardedTable()
    {
        Assert.Equal(0, Cli("sweep", P("sweep.yaml"), "--out", P("whole")).Code);
        for (int i = 0; i < 4; i++)
        {
            Assert.Equal(0, Cli("sweep", P("sweep.yaml"), "--out", P("shards"), "--shard", $"{i}/4").Code);
        }

        var (code, stdout, _) = Cli("merge", P("shards"), "--out", P("merged.csv"));
        Assert.Equal(0, code);
        Assert.Contains("merged 4 file(s): 40 points", stdout, StringComparison.Ordinal);
        Assert.Equal(File.ReadAllText(P("whole/results.csv")), File.ReadAllText(P("merged.csv")));
    }

    [Theory]
    [InlineData("--shard", "4/4")]
    [InlineData("--shard", "x")]
    [InlineData("--jobs", "0")]
    public void BadOptions_AreUsageErrors(string option, string value)
    {
        var (code, _, stderr) = Cli("sweep", P("sweep.yaml"), "--out", P("o"), option, value);
        Assert.Equal(2, code);
        Assert.Single(stderr.Trim().Split('\n'));
    }

    [Fact]
    public void BadSweepFile_IsOneLineWithFileLineAndKey()
    {
        File.WriteAllText(P("bad.yaml"), "scenario: base.yaml\ngrid:\n  vms[0].vcpus: [2, 0]\n");
        var (code, _, stderr) = Cli("sweep", P("bad.yaml"), "--out", P("o"));
        Assert.Equal(1, code);
        Assert.Single(stderr.Trim().Split('\n'));
        Assert.Contains("bad.yaml:3: grid.vms[0].vcpus: value 0 makes an invalid scenario", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void ShippedSweep_Loads()
    {
        Assert.Equal(18, KvmLab.Sweeps.SweepExpander.Expand(KvmLab.Sweeps.SweepLoader.LoadFile(Path.Combine(RepoPaths.Root, "sweeps", "ipi-vcpus.yaml"))).Count);
    }
}
