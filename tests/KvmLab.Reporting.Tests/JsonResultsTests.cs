using System.Text.Json;
using KvmLab.Engine.Time;
using KvmLab.Experiments;
using KvmLab.Experiments.Catalog;
using KvmLab.Scenarios;

namespace KvmLab.Reporting.Tests;

public class JsonResultsTests
{
    private static Experiment ShortUnittest()
    {
        Experiment e = IpiFastpathUnittest.Create();
        Variant Short(Variant v) => v with { Scenario = v.Scenario with { Duration = SimSpan.FromMilliseconds(4) } };
        return e with { Replications = 2, Variants = [.. e.Variants.Select(Short)] };
    }

    [Fact]
    public void Experiment_HasEveryKey()
    {
        ExperimentResult r = ExperimentRunner.Run(ShortUnittest(), 11);
        string json = ExperimentReport.Json(r);
        Assert.DoesNotContain('\n', json);

        using JsonDocument doc = JsonDocument.Parse(json);
        JsonElement root = doc.RootElement;
        Assert.Equal(IpiFastpathUnittest.Id, root.GetProperty("id").GetString());
        Assert.Equal("cycles_per_ipi", root.GetProperty("metric").GetString());
        Assert.Equal("cycles", root.GetProperty("unit").GetString());
        JsonElement variants = root.GetProperty("variants");
        Assert.Equal(2, variants.GetArrayLength());
        foreach (JsonElement v in variants.EnumerateArray())
        {
            Assert.False(string.IsNullOrEmpty(v.GetProperty("name").GetString()));
            Assert.True(v.GetProperty("value").GetDouble() > 0);
            Assert.Equal(2, v.GetProperty("replications").GetInt32());
        }

        Assert.Equal(JsonValueKind.Number, root.GetProperty("model_change_percent").ValueKind);
        Assert.True(root.GetProperty("model_change_percent").GetDouble() < 0);
        Assert.Equal(-22.3, root.GetProperty("published_change_percent").GetDouble());
        Assert.Equal(3, root.GetProperty("tolerance_points").GetDouble());
        Assert.True(root.GetProperty("reproduced").ValueKind is JsonValueKind.True or JsonValueKind.False);
        Assert.Equal(JsonValueKind.False, root.GetProperty("calibration").ValueKind);
        Assert.Equal(11UL, root.GetProperty("seed").GetUInt64());
    }

    [Fact]
    public void Run_NonFiniteMetricsAreNull()
    {
        var r = new RunResult
        {
            Scenario = "s",
            ScenarioHash = "h",
            Seed = 1,
            Replication = 0,
            Profile = "p",
            Features = ["apicv"],
            Version = "0",
            SimulatedSeconds = 0.001,
            Events = 10,
            PrimaryMetric = "m",
            Metrics = [new RunMetric("m", double.NaN, "us"), new RunMetric("n", 1.23456789, "us")],
        };

        using JsonDocument doc = JsonDocument.Parse(JsonResults.Run(r));
        JsonElement metrics = doc.RootElement.GetProperty("metrics");
        Assert.Equal(JsonValueKind.Null, metrics.GetProperty("m").GetProperty("value").ValueKind);
        Assert.Equal(1.234568, metrics.GetProperty("n").GetProperty("value").GetDouble());
        Assert.Equal("us", metrics.GetProperty("n").GetProperty("unit").GetString());
    }
}
