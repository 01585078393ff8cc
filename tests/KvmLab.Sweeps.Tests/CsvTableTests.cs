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

    [Theory]
    [InlineData("a,b\n1,\"2\n3,4\n", 2)]
    [InlineData("a,b\n1,2\n3,\"4", 3)]
    public void Read_RefusesAnUnclosedQuoteWithItsLine(string text, int line)
    {
        string p = _f.Write("t.csv", text);
        Assert.Contains($"t.csv:{line}: csv: a quoted cell is not closed", Assert.Throws<ScenarioException>(() => CsvTable.Read(p)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_RefusesAnEmptyFile()
    {
        string p = _f.Write("t.csv", "");
        Assert.Contains("t.csv:1: csv: empty file", Assert.Throws<ScenarioException>(() => CsvTable.Read(p)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Format_QuotesOnlyWhenNeededAndEndsRowsWithLineFeeds()
    {
        Assert.Equal("plain,\"a,b\",\"say \"\"hi\"\"\"\n\"two\nlines\",,x\n", CsvTable.Format([["plain", "a,b", "say \"hi\""], ["two\nlines", "", "x"]]));
    }

    [Fact]
    public void FormatThenRead_GivesTheCellsBack()
    {
        IReadOnlyList<string>[] rows = [["h1", "h2", "h3"], ["a\r\nb", "\"", ",,"], ["", " x ", "1e-300"]];
        CsvTable t = CsvTable.Read(_f.Write("t.csv", CsvTable.Format(rows)));
        Assert.Equal(rows[0], t.Header);
        Assert.Equal(rows[1], t.Rows[0]);
        Assert.Equal(rows[2], t.Rows[1]);
        Assert.Equal([2, 4], t.Lines);
    }
}
