using KvmLab.Engine.Time;

namespace KvmLab.Scenarios.Tests;

/// <summary>The halt-poll counters tell "no halt polled" from "every poll failed" (debugfs halt_attempted_poll).</summary>
public class ExitMetricsTests
{
    private static RunResult KutIpi(bool fastpath)
    {
        ScenarioSpec spec = ScenarioLoader.LoadFile(RepoPaths.Scenario("kut-ipi.yaml")) with { Duration = SimSpan.FromMilliseconds(3) };
        return ScenarioRunner.Run(fastpath ? spec : spec with { Features = [.. spec.Features.Where(f => f != "ipi-fastpath")] });
    }

    [Fact]
    public void FullPath_TheTargetPollsAndThePollsSucceed()
    {
        RunResult r = KutIpi(fastpath: false);
        Assert.True(r.Metric("halt_polls_per_s") > 0);
        Assert.True(r.Metric("halt_poll_success") > 90);
    }

    [Fact]
    public void Fastpath_TheIpiIsPendingAtHlt_SoNoHaltPolls()
    {
        // The fastpath delivers before the target's HLT exit reaches kvm_vcpu_block: the target is
        // runnable at once (kvm_arch_vcpu_runnable), so halt_poll_success's 0% is 0 of 0 attempts.
        RunResult r = KutIpi(fastpath: true);
        Assert.True(r.Metric("exits_per_s.Hlt") > 100_000);
        Assert.Equal(0, r.Metric("halt_polls_per_s"));
        Assert.Equal(0, r.Metric("halt_poll_success"));
        Assert.Equal(0, r.Metric("halt_sleeps_per_s"));
    }
}
