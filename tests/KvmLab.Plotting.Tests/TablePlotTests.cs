using KvmLab.Scenarios;
using KvmLab.Sweeps;

namespace KvmLab.Plotting.Tests;

public sealed class TablePlotTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), $"kvmlab-plot-tests-{Guid.NewGuid():N}");

    public TablePlotTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private CsvTable Table(string text)
    {
        string p = Path.Combine(_dir, "r.csv");
        File.WriteAllText(p, text);
        return CsvTable.Read(p);
    }

    private const string Results = "vcpus,policy,seed,lat\n2,a,1,1.5\n2,a,2,2.5\n4,a,1,3\n2,b,1,1\n4,b,1,2\n";

    [Fact]
    public void Line_AveragesRepeatsAndSaysSo()
    {
        ChartImage c = TablePlot.Draw(Table(Results), "vcpus", "lat", "policy", PlotKind.Line, "lat");
        Assert.Contains("mean of up to 2 rows", c.Caption, StringComparison.Ordinal);
        Assert.Contains("policy=a", c.Svg, StringComparison.Ordinal);
        Assert.Contains("policy=b", c.Svg, StringComparison.Ordinal);
    }

    [Fact]
    public void Bar_TakesCategoricalX()
    {
        ChartImage c = TablePlot.Draw(Table(Results), "policy", "lat", null, PlotKind.Bar, "lat");
        Assert.Contains("<svg", c.Svg, StringComparison.Ordinal);
        Assert.Equal(0x89, c.Png[0]);
    }

    [Fact]
    public void Line_RefusesCategoricalXWithItsLine()
    {
        var e = Assert.Throws<ScenarioException>(() => TablePlot.Draw(Table(Results), "policy", "lat", null, PlotKind.Line, "x"));
        Assert.Contains("r.csv:2: policy: 'a' is not a number; a line plot needs a numeric --x (use --kind bar)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UnknownColumn_ListsTheColumns()
    {
        var e = Assert.Throws<ScenarioException>(() => TablePlot.Draw(Table(Results), "vcpus", "latency", null, PlotKind.Line, "x"));
        Assert.Contains("--y latency: no such column (columns: vcpus, policy, seed, lat)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NonNumericY_IsRefusedWithItsLine()
    {
        var e = Assert.Throws<ScenarioException>(() => TablePlot.Draw(Table("x,y\n1,2\n2,oops\n"), "x", "y", null, PlotKind.Line, "x"));
        Assert.Contains("r.csv:3: y: 'oops' is not a number", e.Message, StringComparison.Ordinal);
    }

    private const string Sweep = "point_id,parameters,features,kvm.halt_poll_ns,seed,cycles\n"
        + "a,features;kvm.halt_poll_ns;seed,fast,0,1,10\n"
        + "b,features;kvm.halt_poll_ns;seed,fast,0,2,11\n"
        + "c,features;kvm.halt_poll_ns;seed,slow,0,1,20\n"
        + "d,features;kvm.halt_poll_ns;seed,slow,0,2,21\n";

    [Fact]
    public void Averaging_RowsThatDifferInAGridParameter_Warns()
    {
        var warnings = new List<string>();
        TablePlot.Draw(Table(Sweep), "kvm.halt_poll_ns", "cycles", null, PlotKind.Line, "c", warnings.Add);
        Assert.Equal("each mark averages rows that differ in features (fast, slow); add --by features, or plot a table filtered to one value", Assert.Single(warnings));
    }

    [Fact]
    public void Averaging_SeedsOnly_DoesNotWarn()
    {
        var warnings = new List<string>();
        TablePlot.Draw(Table(Sweep), "kvm.halt_poll_ns", "cycles", "features", PlotKind.Line, "c", warnings.Add);
        Assert.Empty(warnings);
    }
}
