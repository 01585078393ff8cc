namespace KvmLab.Scenarios.Tests;

public class ByteSizeTests
{
    [Theory]
    [InlineData("512M", 512L << 20)]
    [InlineData("8G", 8L << 30)]
    [InlineData("1.5GiB", 3L << 29)]
    [InlineData("4096", 4096L)]
    [InlineData("2t", 2L << 40)]
    [InlineData("100 KB", 100L << 10)]
    public void Parses(string text, long bytes)
    {
        Assert.Null(ByteSize.TryParse(text, out long b));
        Assert.Equal(bytes, b);
    }

    [Theory]
    [InlineData("")]
    [InlineData("10Q")]
    [InlineData("-1G")]
    [InlineData("0")]
    [InlineData("1e300")]
    [InlineData("9999999999E")]
    public void Refuses(string text)
    {
        Assert.NotNull(ByteSize.TryParse(text, out _));
    }

    [Theory]
    [InlineData(512.0, "512 B")]
    [InlineData(4294967296.0, "4 GiB")]
    [InlineData(1610612736.0, "1.5 GiB")]
    public void Formats(double bytes, string text)
    {
        Assert.Equal(text, ByteSize.Format(bytes));
    }
}
