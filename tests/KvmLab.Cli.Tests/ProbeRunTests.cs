using KvmLab.RealKvm.Probes;

namespace KvmLab.Cli.Tests;

public class ProbeRunTests
{
    private static ProbeResult R(string name, ProbeStatus status) => new() { Suite = "ipi", Name = name, Description = "", Status = status, Reason = "why" };

    [Fact]
    public void FailedProbes_AreNamedOnOneLine_AndStopTheTable()
    {
        using var err = new StringWriter();
        Assert.True(ProbeRun.Failures([R("a", ProbeStatus.Measured), R("b", ProbeStatus.Failed), R("c", ProbeStatus.Failed)], "validate", "nothing to compare", err));
        Assert.Equal("kvmlab: validate: 2 of 3 probes failed (ipi/b, ipi/c); nothing to compare", err.ToString().Trim());
    }

    [Fact]
    public void SkippedProbes_AreNotFailures()
    {
        using var err = new StringWriter();
        Assert.False(ProbeRun.Failures([R("a", ProbeStatus.Measured), R("b", ProbeStatus.Skipped)], "calibrate", "", err));
        Assert.Equal("", err.ToString());
    }
}
