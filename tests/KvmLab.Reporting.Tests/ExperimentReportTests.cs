using System.Text.Json;
using KvmLab.Engine.Time;
using KvmLab.Experiments;
using KvmLab.Experiments.Catalog;

namespace KvmLab.Reporting.Tests;

public class ExperimentReportTests
{
    private static ExperimentResult Short(bool overridden = false)
    {
        Experiment e = NvmeQd1Ladder.Create();
        e = e with
        {
            Replications = 2,
            Variants = [.. e.Variants.Select(r => r with { Scenario = r.Scenario with { Duration = SimSpan.FromMilliseconds(4), Warmup = SimSpan.FromMilliseconds(1) } })],
        };
        return ExperimentRunner.Run(e, 7, new RunOptions { OverrideDescription = overridden ? "iodepth=8" : null });
    }

    [Fact]
    public void Table_HasEveryConfigurationWithPublishedVerdictAndBreakdown()
    {
        ExperimentResult r = Short();
        string t = ExperimentReport.Table(r);
        foreach (VariantResult rung in r.Variants)
        {
            Assert.Contains(rung.Name, t, StringComparison.Ordinal);
        }

        Assert.Contains("published", t, StringComparison.Ordinal);
        Assert.Contains("REPRODUCED", t, StringComparison.Ordinal);
        Assert.Contains("wake-up", t, StringComparison.Ordinal);
        Assert.Contains("CPU cores", t, StringComparison.Ordinal);
        Assert.DoesNotContain("OVERRIDE", t, StringComparison.Ordinal);
        Assert.Equal(!r.Reproduced, t.Contains("  what would it take: (kvmlab sensitivity", StringComparison.Ordinal));
    }

    [Fact]
    public void Table_Override_SaysSoAndGivesNoVerdict()
    {
        string t = ExperimentReport.Table(Short(overridden: true));
        Assert.Contains("OVERRIDE: iodepth=8", t, StringComparison.Ordinal);
        Assert.Contains("n/a (setup differs)", t, StringComparison.Ordinal);
        Assert.DoesNotContain("NOT REPRODUCED", t, StringComparison.Ordinal);
        Assert.DoesNotContain("what would it take", t, StringComparison.Ordinal); // another setup: the finding is not about it
    }

    [Fact]
    public void Json_OneLine_WithModelPublishedAndMetricsPerConfiguration()
    {
        ExperimentResult r = Short();
        string json = ExperimentReport.Json(r);
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
        Assert.Equal(json, ExperimentReport.Json(r));
    }
}
