using KvmLab.Scenarios;

namespace KvmLab.Sweeps.Tests;

public sealed class CsvTableTests : IDisposable
{
    private readonly SweepFixture _f = new();

    public void Dispose() => _f.Dispose();

    [Fact]
    public void Read_HandlesQuotesCommasAndNewlines()
    {
        string p = _f.Write("t.csv", "a,b\n\"x, y\",\"say \"\"hi\"\"\"\n\"two\nlines\",3\n");
        CsvTable t = CsvTable.Read(p);
        Assert.Equal(["a", "b"], t.Header);
        Assert.Equal(["x, y", "say \"hi\""], t.Rows[0]);
        Assert.Equal(["two\nlines", "3"], t.Rows[1]);
        Assert.Equal([2, 3], t.Lines);
    }

    [Fact]
    public void Read_RefusesARaggedRowWithItsLine()
    {
        string p = _f.Write("t.csv", "a,b\n1,2\n3\n");
        Assert.Contains("t.csv:3: csv: 1 cells but the header has 2", Assert.Throws<ScenarioException>(() => CsvTable.Read(p)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Escape_QuotesOnlyWhenNeeded()
    {
        Assert.Equal("plain", CsvTable.Escape("plain"));
        Assert.Equal("\"a,b\"", CsvTable.Escape("a,b"));
    }
}
