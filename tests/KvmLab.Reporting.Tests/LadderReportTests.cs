using System.Text.Json;
using KvmLab.Engine.Time;
using KvmLab.Experiments;
using KvmLab.Experiments.Catalog;

namespace KvmLab.Reporting.Tests;

public class LadderReportTests
{
    private static LadderResult Short(bool overridden = false)
    {
        LadderExperiment e = NvmeQd1Ladder.Create();
        e = e with
        {
            Replications = 2,
            Rungs = [.. e.Rungs.Select(r => r with { Scenario = r.Scenario with { Duration = SimSpan.FromMilliseconds(4), Warmup = SimSpan.FromMilliseconds(1) } })],
        };
        return LadderRunner.Run(e, 7, overrideDescription: overridden ? "iodepth=8" : null);
    }

    [Fact]
    public void Table_HasEveryConfigurationWithPublishedVerdictAndBreakdown()
    {
        LadderResult r = Short();
        string t = LadderReport.Table(r);
        foreach (LadderRungResult rung in r.Rungs)
        {
            Assert.Contains(rung.Rung.Name, t, StringComparison.Ordinal);
        }

        Assert.Contains("published", t, StringComparison.Ordinal);
        Assert.Contains("REPRODUCED", t, StringComparison.Ordinal);
        Assert.Contains("wake-up", t, StringComparison.Ordinal);
        Assert.Contains("CPU cores", t, StringComparison.Ordinal);
        Assert.DoesNotContain("OVERRIDE", t, StringComparison.Ordinal);
    }

    [Fact]
    public void Table_Override_SaysSoAndGivesNoVerdict()
    {
        string t = LadderReport.Table(Short(overridden: true));
        Assert.Contains("OVERRIDE: iodepth=8", t, StringComparison.Ordinal);
        Assert.Contains("n/a (setup differs)", t, StringComparison.Ordinal);
        Assert.DoesNotContain("NOT REPRODUCED", t, StringComparison.Ordinal);
    }

    [Fact]
    public void Json_OneLine_WithModelPublishedAndMetricsPerConfiguration()
    {
        LadderResult r = Short();
        string json = LadderReport.Json(r);
        Assert.DoesNotContain('\n', json);
        using JsonDocument doc = JsonDocument.Parse(json);
        JsonElement root = doc.RootElement;
        Assert.Equal("ladder", root.GetProperty("kind").GetString());
        Assert.Equal(8, root.GetProperty("configurations").GetArrayLength());
        JsonElement first = root.GetProperty("configurations")[0];
        Assert.Equal("bare-metal", first.GetProperty("name").GetString());
        Assert.Equal(78_000, first.GetProperty("published").GetDouble());
        Assert.Contains(first.GetProperty("reproduced").ValueKind, new[] { JsonValueKind.True, JsonValueKind.False });
        Assert.True(first.GetProperty("metrics").GetProperty("phase_device").GetDouble() > 0);
        Assert.Equal(r.Reproduced, root.GetProperty("reproduced").GetBoolean());
        Assert.Equal(json, LadderReport.Json(r));
    }
}
