using KvmLab.Engine.Time;

namespace KvmLab.Model.Tests.Kvm;

/// <summary>
/// kvm_vcpu_block (virt/kvm/kvm_main.c, v5.10): a halted vCPU polls kvm_vcpu_check_block for up
/// to its halt_poll_ns before schedule(); with halt_poll_ns 0 it sleeps at once and the IPI has
/// to wake its thread (kvm_vcpu_kick -> rcuwait_wake_up -> try_to_wake_up).
/// </summary>
public class HaltPollingTests
{
    [Fact]
    public void WithPolling_TargetPollsSuccessfully()
    {
        var h = new KutIpiHarness(haltPollMax: SimSpan.FromMicroseconds(200)).Run();

        Assert.True(h.Target.Stats.HaltPollAttempts > 0);
        Assert.True(h.Target.Stats.HaltPollSuccesses > 0);
    }

    [Fact]
    public void WithoutPolling_TargetSleeps()
    {
        var h = new KutIpiHarness(haltPollMax: SimSpan.Zero).Run();

        Assert.Equal(0, h.Target.Stats.HaltPollAttempts);
        Assert.Equal(0, h.Target.Stats.HaltPollSuccesses);
        Assert.True(h.Target.Stats.HaltSleeps > 0);
        Assert.Equal(SimSpan.Zero, h.Target.HaltPollWindow);
    }

    [Fact]
    public void Polling_ShortensTheRound()
    {
        double polling = new KutIpiHarness(haltPollMax: SimSpan.FromMicroseconds(200)).Run().Metric("cycles_per_ipi");
        double sleeping = new KutIpiHarness(haltPollMax: SimSpan.Zero).Run().Metric("cycles_per_ipi");

        Assert.True(polling < sleeping, $"polling {polling} cycles should be below sleeping {sleeping} cycles");
    }
}
