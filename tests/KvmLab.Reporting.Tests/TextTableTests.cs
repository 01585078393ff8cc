namespace KvmLab.Reporting.Tests;

public class TextTableTests
{
    [Fact]
    public void Columns_AreAligned_NumbersRight_TextLeft()
    {
        var t = new TextTable("metric", "value", "unit");
        t.Add("cycles_per_ipi", "3293.0", "cycles");
        t.Add("iterations", "12", "count");
        string[] lines = t.ToString().Split('\n');

        Assert.Equal("metric          value   unit", lines[0]);
        Assert.Equal("--------------  ------  ------", lines[1]);
        Assert.Equal("cycles_per_ipi  3293.0  cycles", lines[2]);
        Assert.Equal("iterations          12  count", lines[3]);
        Assert.Equal("", lines[4]);
        Assert.Equal(5, lines.Length);
    }

    [Fact]
    public void NoTrailingSpaces()
    {
        var t = new TextTable("a", "b");
        t.Add("x", "");
        Assert.All(t.ToString().Split('\n'), l => Assert.False(l.EndsWith(' ')));
    }

    [Fact]
    public void WrongCellCount_Throws()
    {
        var t = new TextTable("a", "b");
        Assert.Throws<ArgumentException>(() => t.Add("only one"));
    }
}
