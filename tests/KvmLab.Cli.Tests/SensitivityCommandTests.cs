namespace KvmLab.Cli.Tests;

/// <summary>`kvmlab sensitivity &lt;experiment&gt;`: what each cost does to a row's change (issue 14, item 8).</summary>
public sealed class SensitivityCommandTests
{
    private static (int Code, string Out, string Err) Cli(params string[] args)
    {
        using var o = new StringWriter();
        using var e = new StringWriter();
        int code = KvmLabCli.Run(args, o, e, default);
        return (code, o.ToString(), e.ToString());
    }

    [Fact]
    public void AnExperimentId_GivesTheRowsChange_AndWhatOneCostWouldTake()
    {
        var (code, o, _) = Cli("sensitivity", "ipi-fastpath-unittest", "--top", "3", "--jobs", "2");
        Assert.Equal(0, code);
        Assert.StartsWith("ipi-fastpath-unittest: cycles_per_ipi change -", o, StringComparison.Ordinal);
        Assert.Contains("published -22.3%", o, StringComparison.Ordinal);
        Assert.Contains("factor to reach published", o, StringComparison.Ordinal);
    }

    [Fact]
    public void ALadder_IsRefusedInOneLine()
    {
        var (code, _, err) = Cli("sensitivity", "nvme-qd1-ladder");
        Assert.Equal(1, code);
        Assert.Single(err.Trim().Split('\n'));
        Assert.Contains("judged per variant", err, StringComparison.Ordinal);
    }
    [Theory]
    [InlineData("ipi-fastpath-unittest", "0", "--replications 0 is out of range: it must be from 1 to 1000")]
    [InlineData("scenarios/kut-ipi.yaml", "2", "--replications applies to an experiment row")]
    public void Replications_BadUse_IsOneLine_ExitTwo(string target, string n, string message)
    {
        string path = target.EndsWith(".yaml", StringComparison.Ordinal) ? RepoPaths.Scenario(Path.GetFileName(target)) : target;
        var (code, o, e) = Cli("sensitivity", path, "--replications", n);
        Assert.Equal(2, code);
        Assert.Equal("", o);
        Assert.Contains(message, e, StringComparison.Ordinal);
        Assert.Single(e.TrimEnd().Split('\n'));
    }
}
