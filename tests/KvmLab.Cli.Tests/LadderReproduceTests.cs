using System.Text.Json;
using System.Globalization;
using KvmLab.Cli;
using KvmLab.Model.Hardware;

namespace KvmLab.Cli.Tests;

public class LadderReproduceTests
{
    private static (int Code, string Out, string Err) Cli(params string[] args)
    {
        using var o = new StringWriter();
        using var e = new StringWriter();
        int code = KvmLabCli.Run(args, o, e);
        return (code, o.ToString(), e.ToString());
    }

    private static readonly string[] Rungs =
        ["bare-metal", "bare-metal-iopoll", "aio-native", "iothread", "userspace-nvme", "guest-iopoll", "polled-queues", "aio-fastpath"];

    [Fact]
    public void Reproduce_Ladder_PrintsEightConfigurationsInPublishedOrder_WithVerdicts()
    {
        var (code, stdout, _) = Cli("reproduce", "nvme-qd1-ladder");
        Assert.Equal(0, code);
        string[] lines = stdout.Split('\n');
        int[] rows = [.. Rungs.Select(r => Array.FindIndex(lines, l => l.StartsWith(r + " ", StringComparison.Ordinal)))];
        Assert.All(rows, i => Assert.True(i >= 0));
        Assert.Equal(rows.Order(), rows);
        foreach (int i in rows)
        {
            Assert.Matches("(REPRODUCED|NOT REPRODUCED|INCONCLUSIVE)$", lines[i].TrimEnd());
        }

        Assert.Contains("per-request latency breakdown", stdout, StringComparison.Ordinal);
        Assert.Contains("published", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Reproduce_Ladder_Json_HasModelAndPublishedPerConfiguration()
    {
        var (code, stdout, _) = Cli("reproduce", "nvme-qd1-ladder", "--json", "--seed", "3");
        Assert.Equal(0, code);
        using JsonDocument doc = JsonDocument.Parse(stdout.Trim());
        JsonElement root = doc.RootElement;
        Assert.Equal("nvme-qd1-ladder", root.GetProperty("id").GetString());
        Assert.False(root.GetProperty("calibration").GetBoolean());
        JsonElement[] cfgs = [.. root.GetProperty("configurations").EnumerateArray()];
        Assert.Equal(Rungs, cfgs.Select(c => c.GetProperty("name").GetString()));
        Assert.All(cfgs, c =>
        {
            Assert.True(c.GetProperty("model").GetDouble() > 0);
            Assert.True(c.GetProperty("published").GetDouble() > 0);
            Assert.True(c.GetProperty("metrics").GetProperty("cpu_total").GetDouble() > 0);
        });

        var (_, again, _) = Cli("reproduce", "nvme-qd1-ladder", "--json", "--seed", "3");
        Assert.Equal(stdout, again);
    }

    [Fact]
    public void Reproduce_Ladder_WithScenario_RunsOverride_WithoutVerdict()
    {
        var (code, stdout, _) = Cli("reproduce", "nvme-qd1-ladder", "--scenario", RepoPaths.Scenario("nvme-ladder-qd8.yaml"), "--json");
        Assert.Equal(0, code);
        using JsonDocument doc = JsonDocument.Parse(stdout.Trim());
        Assert.Equal(JsonValueKind.Null, doc.RootElement.GetProperty("reproduced").ValueKind);
        Assert.Contains("iodepth=8", doc.RootElement.GetProperty("override").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Reproduce_ScenarioWithPairExperiment_IsAUsageError()
    {
        var (code, _, stderr) = Cli("reproduce", "ipi-fastpath-unittest", "--scenario", RepoPaths.Scenario("nvme-ladder-qd8.yaml"));
        Assert.Equal(2, code);
        Assert.Contains("ladder", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Reproduce_ScenarioWithoutFio_FailsWithOneLine()
    {
        var (code, _, stderr) = Cli("reproduce", "nvme-qd1-ladder", "--scenario", RepoPaths.Scenario("kut-ipi.yaml"));
        Assert.Equal(1, code);
        Assert.Contains("fio", stderr, StringComparison.Ordinal);
    }

    /// <summary>Issue 12's bug: the ladder used to run on the built-in profile whatever --profile said.</summary>
    [Fact]
    public void Reproduce_Ladder_WithProfile_UsesThatProfile()
    {
        // The built-in profile with one storage cost changed: an eventfd signal (the virtio kick and the
        // irqfd completion) of 20 us. It is not part of the host path the drive's own time is derived from
        // (NvmeDevices.HostPathInPublishedLatency), so only the virtualized configurations can move.
        double tsc = Profiles.Find("skylake-sp-2020")!.TscGhz;
        string path = Path.Combine(Path.GetTempPath(), $"kvmlab-ladder-profile-{Environment.ProcessId}.json");
        File.WriteAllText(path, "{\"format\": \"kvmlab-cost-profile/1\", \"id\": \"slow-eventfd\", \"summary\": \"test\", \"citation\": \"test\", "
            + $"\"base\": \"skylake-sp-2020\", \"tsc_ghz\": {tsc.ToString(CultureInfo.InvariantCulture)}, "
            + "\"fields\": {\"Storage.EventfdSignal\": {\"ns\": 20000, \"source\": \"estimate\"}}}");
        try
        {
            var (code, with, err) = Cli("reproduce", "nvme-qd1-ladder", "--json", "--profile", path);
            Assert.True(code == 0, err);
            var (_, without, _) = Cli("reproduce", "nvme-qd1-ladder", "--json");
            using JsonDocument a = JsonDocument.Parse(with.Trim());
            using JsonDocument b = JsonDocument.Parse(without.Trim());
            Assert.Equal("slow-eventfd", a.RootElement.GetProperty("profile").GetString());
            Assert.Equal("skylake-sp-2020", b.RootElement.GetProperty("profile").GetString());
            double Iops(JsonDocument d, string name) => d.RootElement.GetProperty("configurations").EnumerateArray()
                .Single(c => c.GetProperty("name").GetString() == name).GetProperty("model").GetDouble();
            // aio=native without an IOThread: the guest's kick and QEMU's completion each signal an eventfd.
            Assert.True(Iops(a, "aio-native") < 0.9 * Iops(b, "aio-native"), $"{Iops(a, "aio-native")} vs {Iops(b, "aio-native")}");
            Assert.Equal(Iops(b, "bare-metal"), Iops(a, "bare-metal"));

            // Without --profile the ladder's numbers are the golden ones (the built-in profile).
            string golden = File.ReadAllLines(Path.Combine(RepoPaths.Root, "tests", "golden", "reproduce-all.jsonl")).Single(l => l.Contains("\"id\":\"nvme-qd1-ladder\"", StringComparison.Ordinal));
            Assert.Equal(golden, without.Trim());
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>Issue 15: runs in parallel on the sweeps' pool, the same bytes for any job count.</summary>
    [Fact]
    public void Reproduce_Jobs_GivesTheSameBytesAsOneJob()
    {
        string[] ids = ["exitless-pv-ipi.single-ipi", "timer-fastpath-cyclictest", "ipi-fastpath-unittest"];
        var (c1, one, _) = Cli(["reproduce", .. ids, "--json", "--jobs", "1"]);
        var (c3, three, _) = Cli(["reproduce", .. ids, "--json", "--jobs", "3"]);
        Assert.Equal(0, c1);
        Assert.Equal(0, c3);
        Assert.Equal(3, one.Trim().Split('\n').Length);
        Assert.Equal(one, three);
        var (t1, table1, _) = Cli(["reproduce", .. ids, "--jobs", "1"]);
        var (t2, table2, _) = Cli(["reproduce", .. ids, "--jobs", "2"]);
        Assert.Equal(table1, table2);
    }

    [Fact]
    public void Reproduce_JobsZero_IsAUsageError()
    {
        var (code, _, stderr) = Cli("reproduce", "ipi-fastpath-unittest", "--jobs", "0");
        Assert.Equal(2, code);
        Assert.Contains("--jobs 0 is out of range", stderr, StringComparison.Ordinal);
    }

    /// <summary>A profile whose storage path is longer than the drive's published latency: one line, not a stack trace.</summary>
    [Fact]
    public void Run_Fio_WithAProfileWhoseStoragePathExceedsTheDrive_IsOneLine()
    {
        double tsc = Profiles.Find("skylake-sp-2020")!.TscGhz;
        string path = Path.Combine(Path.GetTempPath(), $"kvmlab-slow-syscall-{Environment.ProcessId}.json");
        File.WriteAllText(path, "{\"format\": \"kvmlab-cost-profile/1\", \"id\": \"slow-syscall\", \"summary\": \"test\", \"citation\": \"test\", "
            + $"\"base\": \"skylake-sp-2020\", \"tsc_ghz\": {tsc.ToString(CultureInfo.InvariantCulture)}, "
            + "\"fields\": {\"Storage.SyscallEntryExit\": {\"ns\": 20000, \"source\": \"estimate\"}}}");
        try
        {
            var (code, _, err) = Cli("run", RepoPaths.Scenario("fio-iothread.yaml"), "--profile", path);
            Assert.Equal(1, code);
            Assert.Single(err.Trim().Split('\n'));
            Assert.Contains("host storage path", err, StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", err, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
