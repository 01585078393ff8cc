namespace KvmLab.Cli.Tests;

/// <summary>`kvmlab reproduce --report` and `kvmlab plot` end to end.</summary>
public sealed class ReportAndPlotCommandTests : IDisposable
{
    private readonly string _tmp = Path.Combine(Path.GetTempPath(), $"kvmlab-report-cli-{Guid.NewGuid():N}");

    public ReportAndPlotCommandTests() => Directory.CreateDirectory(_tmp);

    public void Dispose() => Directory.Delete(_tmp, recursive: true);

    private static (int Code, string Out, string Err) Cli(params string[] args)
    {
        using var o = new StringWriter();
        using var e = new StringWriter();
        int code = KvmLabCli.Run(args, o, e);
        return (code, o.ToString(), e.ToString());
    }

    [Fact]
    public void Reproduce_WithReport_WritesTheReportBesideTheTables()
    {
        string dir = Path.Combine(_tmp, "report");
        var (code, stdout, stderr) = Cli("reproduce", "timer-fastpath-cyclictest", "--report", dir);
        Assert.Equal(0, code);
        Assert.Contains("timer-fastpath-cyclictest", stdout, StringComparison.Ordinal);
        Assert.Contains("report written to", stderr, StringComparison.Ordinal);
        Assert.Contains("## timer-fastpath-cyclictest", File.ReadAllText(Path.Combine(dir, "report.md")), StringComparison.Ordinal);
        Assert.Contains("<svg", File.ReadAllText(Path.Combine(dir, "report.html")), StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(dir, "timer-fastpath-cyclictest.change.png")));
    }

    [Fact]
    public void Plot_WritesSvgOrPngFromASweepTable()
    {
        string csv = Path.Combine(_tmp, "r.csv");
        File.WriteAllText(csv, "pcpus,features,cycles\n4,a,10\n8,a,12\n4,b,9\n8,b,11\n");
        Assert.Equal(0, Cli("plot", csv, "--x", "pcpus", "--y", "cycles", "--by", "features", "--out", Path.Combine(_tmp, "c.svg")).Code);
        Assert.StartsWith("<?xml", File.ReadAllText(Path.Combine(_tmp, "c.svg")), StringComparison.Ordinal);
        Assert.Equal(0, Cli("plot", csv, "--x", "features", "--y", "cycles", "--kind", "bar", "--out", Path.Combine(_tmp, "c.png")).Code);
        Assert.Equal(0x89, File.ReadAllBytes(Path.Combine(_tmp, "c.png"))[0]);
    }

    [Theory]
    [InlineData("--out", "c.pdf")]
    [InlineData("--kind", "pie")]
    public void Plot_UsageErrors_ExitTwo(string option, string value)
    {
        string csv = Path.Combine(_tmp, "r.csv");
        File.WriteAllText(csv, "x,y\n1,2\n");
        string[] args = option == "--out"
            ? ["plot", csv, "--x", "x", "--y", "y", "--out", Path.Combine(_tmp, value)]
            : ["plot", csv, "--x", "x", "--y", "y", option, value, "--out", Path.Combine(_tmp, "c.svg")];
        Assert.Equal(2, Cli(args).Code);
    }

    [Fact]
    public void Plot_BadColumn_IsOneLineAndExitOne()
    {
        string csv = Path.Combine(_tmp, "r.csv");
        File.WriteAllText(csv, "x,y\n1,2\n");
        var (code, _, stderr) = Cli("plot", csv, "--x", "x", "--y", "nope", "--out", Path.Combine(_tmp, "c.svg"));
        Assert.Equal(1, code);
        Assert.Single(stderr.Trim().Split('\n'));
        Assert.Contains("r.csv:1: --y nope: no such column (columns: x, y)", stderr, StringComparison.Ordinal);
    }
}
