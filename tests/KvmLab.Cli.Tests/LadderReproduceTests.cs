using System.Text.Json;
using KvmLab.Cli;

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
            Assert.Matches("(REPRODUCED|NOT REPRODUCED)$", lines[i].TrimEnd());
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
}
