namespace KvmLab.Scenarios.Tests;

public class ScenarioSourceTests
{
    private static readonly ScenarioSource Source = new("s.yaml", new Dictionary<string, int> { ["vms"] = 7, ["vms[0]"] = 8, ["vms[0].guest"] = 10, ["features"] = 5, ["features/avic"] = 5 });

    [Theory]
    [InlineData("vms[0].guest.apic", 10)]
    [InlineData("vms[0].vcpus", 8)]
    [InlineData("vms[3].vcpus", 7)]
    [InlineData("features/apicv", 5)]
    [InlineData("workload.threads", 1)]
    public void LineOf_FallsBackToTheClosestEnclosingKey(string key, int line)
    {
        Assert.Equal(line, Source.LineOf(key));
    }

    [Fact]
    public void Error_NamesFileLineAndKey()
    {
        Assert.Equal("s.yaml:5: features: no", Source.Error("features", "no", "features/avic").Message);
    }
}
