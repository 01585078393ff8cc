using KvmLab.Engine.Time;
using KvmLab.Policies.Upstream;

namespace KvmLab.Policies.Tests.Upstream;

/// <summary>
/// Adaptive halt polling as virt/kvm/kvm_main.c (v5.10) does it at the end of kvm_vcpu_block:
///
///   if (!vcpu_valid_wakeup(vcpu)) shrink_halt_poll_ns(vcpu);
///   else if (vcpu-&gt;kvm-&gt;max_halt_poll_ns) {
///       if (block_ns &lt;= vcpu-&gt;halt_poll_ns) ;
///       else if (vcpu-&gt;halt_poll_ns &amp;&amp; block_ns &gt; vcpu-&gt;kvm-&gt;max_halt_poll_ns) shrink_halt_poll_ns(vcpu);
///       else if (vcpu-&gt;halt_poll_ns &lt; vcpu-&gt;kvm-&gt;max_halt_poll_ns &amp;&amp; block_ns &lt; vcpu-&gt;kvm-&gt;max_halt_poll_ns)
///           grow_halt_poll_ns(vcpu);
///   } else vcpu-&gt;halt_poll_ns = 0;
///
/// grow_halt_poll_ns: val *= halt_poll_ns_grow; if (val &lt; halt_poll_ns_grow_start) val = grow_start;
/// capped at max_halt_poll_ns; grow == 0 leaves it. shrink_halt_poll_ns: shrink == 0 -> 0, else val /= shrink.
/// </summary>
public class AdaptiveHaltPollTests
{
    private static SimSpan Us(double us) => SimSpan.FromMicroseconds(us);

    private readonly AdaptiveHaltPoll _policy = new(Us(200));

    [Fact]
    public void Defaults_AreTheX86ModuleParameters()
    {
        Assert.Equal(Us(200), _policy.Max);
        Assert.Equal(2, _policy.Grow);
        Assert.Equal(Us(10), _policy.GrowStart);
        Assert.Equal(0, _policy.Shrink);
    }

    [Fact]
    public void FromZero_ShortBlock_GrowsToGrowStart()
    {
        Assert.Equal(Us(10), _policy.Adapt(SimSpan.Zero, Us(5)));
    }

    [Fact]
    public void SuccessiveShortBlocks_DoubleUpToMax()
    {
        // Each block is longer than the current window and shorter than the maximum, so each grows it.
        (double BlockUs, double ExpectedUs)[] steps = [(15, 20), (25, 40), (45, 80), (90, 160), (170, 200), (199, 200)];
        SimSpan window = Us(10);
        foreach (var (block, expected) in steps)
        {
            window = _policy.Adapt(window, Us(block));
            Assert.Equal(Us(expected), window);
        }
    }

    [Theory]
    [InlineData(40, 40)]
    [InlineData(40, 1)]
    [InlineData(200, 150)]
    public void BlockWithinWindow_LeavesItUnchanged(double windowUs, double blockUs)
    {
        Assert.Equal(Us(windowUs), _policy.Adapt(Us(windowUs), Us(blockUs)));
    }

    [Fact]
    public void BlockLongerThanMax_ResetsWindowWithShrinkZero()
    {
        Assert.Equal(SimSpan.Zero, _policy.Adapt(Us(80), Us(500)));
    }

    [Fact]
    public void BlockLongerThanMax_WithShrinkTwo_HalvesWindow()
    {
        var policy = new AdaptiveHaltPoll(Us(200), shrink: 2);
        Assert.Equal(Us(40), policy.Adapt(Us(80), Us(500)));
    }

    [Fact]
    public void ZeroWindow_BlockLongerThanMax_StaysZero()
    {
        // Neither shrink (halt_poll_ns is 0) nor grow (block_ns >= max) applies.
        Assert.Equal(SimSpan.Zero, _policy.Adapt(SimSpan.Zero, Us(500)));
    }

    [Fact]
    public void MaxZero_DisablesPolling()
    {
        var off = new AdaptiveHaltPoll(SimSpan.Zero);
        Assert.Equal(SimSpan.Zero, off.PollWindow(Us(50)));
        Assert.Equal(SimSpan.Zero, off.Adapt(Us(50), Us(5)));
        Assert.Equal(SimSpan.Zero, off.Adapt(SimSpan.Zero, Us(5)));
    }

    [Fact]
    public void PollWindow_IsTheCurrentWindow()
    {
        Assert.Equal(Us(40), _policy.PollWindow(Us(40)));
        Assert.Equal(SimSpan.Zero, _policy.PollWindow(SimSpan.Zero));
    }

    [Fact]
    public void GrowZero_NeverGrows()
    {
        var policy = new AdaptiveHaltPoll(Us(200), grow: 0);
        Assert.Equal(SimSpan.Zero, policy.Adapt(SimSpan.Zero, Us(5)));
        Assert.Equal(Us(40), policy.Adapt(Us(40), Us(100)));
    }

    [Fact]
    public void NegativeMax_IsRejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new AdaptiveHaltPoll(new SimSpan(-1)));
    }
}
