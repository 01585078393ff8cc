using KvmLab.Engine.Time;
using KvmLab.Model.Kvm;

namespace KvmLab.Model.Tests.Kvm;

/// <summary>
/// KVM's window rule (virt/kvm/kvm_main.c kvm_vcpu_halt, grow_halt_poll_ns, shrink_halt_poll_ns):
/// grow x2 from grow_start while a block is shorter than the maximum, nothing while the window
/// covers the block, reset (shrink 0) after a block longer than the maximum.
/// </summary>
public class HaltPollWindowTests
{
    private static SimSpan Us(double us) => SimSpan.FromMicroseconds(us);

    [Fact]
    public void ShortBlocks_GrowFromGrowStartByTwo_UpToTheMaximum()
    {
        HaltPollWindow w = HaltPollWindow.Upstream();
        SimSpan v = SimSpan.Zero;
        var seen = new List<double>();
        for (int i = 0; i < 6; i++)
        {
            v = w.Adapt(v, Us(190));
            seen.Add(v.Ns / 1000.0);
        }

        Assert.Equal([10, 20, 40, 80, 160, 200], seen);
    }

    [Fact]
    public void ABlockTheWindowCovers_ChangesNothing() =>
        Assert.Equal(Us(80), HaltPollWindow.Upstream().Adapt(Us(80), Us(41)));

    [Fact]
    public void ABlockLongerThanTheMaximum_ResetsTheWindow() =>
        Assert.Equal(SimSpan.Zero, HaltPollWindow.Upstream().Adapt(Us(160), Us(1000)));

    [Fact]
    public void ShrinkFactor_DividesInsteadOfResetting() =>
        Assert.Equal(Us(80), (HaltPollWindow.Upstream() with { Shrink = 2 }).Adapt(Us(160), Us(1000)));

    [Theory]
    [InlineData(200, 41, true)]   // the timer probes' 50 us deadline less the arm sequence, module default
    [InlineData(100, 41, true)]   // KVM_CAP_HALT_POLL 100 us
    [InlineData(10, 41, false)]   // 10 us: the block is longer than the maximum, the window stays 0
    [InlineData(0, 41, false)]    // polling off
    [InlineData(200, 190, true)]  // 200 us deadline: 160 -> 200 covers it
    [InlineData(200, 990, false)] // 1 ms deadline: longer than the maximum
    public void RepeatedBlock_IsCoveredWhenShorterThanTheMaximum(double maxUs, double blockUs, bool covered) =>
        Assert.Equal(covered, HaltPollWindow.Upstream(Us(maxUs)).CoversRepeated(Us(blockUs)));
}
