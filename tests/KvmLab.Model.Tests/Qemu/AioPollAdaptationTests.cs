using KvmLab.Model.Qemu;

namespace KvmLab.Model.Tests.Qemu;

/// <summary>
/// The adaptive polling window against QEMU 5.2 util/aio-posix.c aio_poll ("Adjust polling
/// time") and iothread.c (IOTHREAD_POLL_MAX_NS_DEFAULT 32768).
/// </summary>
public class AioPollAdaptationTests
{
    private static readonly AioPollAdaptation Defaults = new(AioPollAdaptation.IoThreadDefaultMaxNs);

    [Fact]
    public void Grow_FromZero_StartsAtFourMicroseconds()
    {
        // "poll_ns = 4000; /* start polling at 4 microseconds */" when block_ns < poll_max_ns.
        Assert.Equal(4000, Defaults.Adjust(0, 10_000));
    }

    [Fact]
    public void Grow_DoublesWithDefaultGrowAndCapsAtMax()
    {
        // poll_grow 0 means 2; the window never exceeds poll_max_ns.
        Assert.Equal(8000, Defaults.Adjust(4000, 10_000));
        Assert.Equal(16000, Defaults.Adjust(8000, 10_000));
        Assert.Equal(32000, Defaults.Adjust(16000, 30_000));
        Assert.Equal(32768, Defaults.Adjust(32000, 32_500));
    }

    [Fact]
    public void Grow_UsesConfiguredFactor()
    {
        var a = new AioPollAdaptation(100_000, PollGrow: 4);
        Assert.Equal(16000, a.Adjust(4000, 50_000));
    }

    [Fact]
    public void SweetSpot_BlockWithinWindow_NoChange()
    {
        // "if (block_ns <= poll_ns) { This is the sweet spot, no adjustment needed }"
        Assert.Equal(16000, Defaults.Adjust(16000, 16000));
        Assert.Equal(16000, Defaults.Adjust(16000, 100));
    }

    [Fact]
    public void Shrink_BlockLongerThanMax_ResetsToZeroByDefault()
    {
        // poll_shrink 0: "ctx->poll_ns = 0".
        Assert.Equal(0, Defaults.Adjust(16000, 40_000));
    }

    [Fact]
    public void Shrink_WithFactor_Divides()
    {
        var a = new AioPollAdaptation(32768, PollShrink: 2);
        Assert.Equal(8000, a.Adjust(16000, 40_000));
    }

    [Fact]
    public void AtMax_ShorterBlock_StaysAtMax()
    {
        // Neither branch applies: poll_ns == poll_max_ns and block_ns > poll_ns but below max.
        Assert.Equal(32768, Defaults.Adjust(32768, 32768));
    }

    [Fact]
    public void PollingOff_NeverAdjusts()
    {
        // The main loop's context: poll_max_ns 0 skips "Adjust polling time" entirely.
        var off = new AioPollAdaptation(0);
        Assert.Equal(0, off.Adjust(0, 5_000));
    }
}
