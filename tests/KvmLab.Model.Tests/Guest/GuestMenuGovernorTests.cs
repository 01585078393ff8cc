using KvmLab.Model.Guest;

namespace KvmLab.Model.Tests.Guest;

/// <summary>The menu governor's rules, each against drivers/cpuidle/governors/menu.c (Linux 5.10).</summary>
public class GuestMenuGovernorTests
{
    private const long Tick = 1_000_000;

    [Fact]
    public void ANewDevice_PredictsFromItsZeroIntervals_AndKeepsTheTick()
    {
        // menu_enable_device zeroes intervals[]: get_typical_interval returns their average, 0, and
        // predicted_ns below TICK_NSEC sets *stop_tick = false, even with no timer pending.
        var m = new GuestMenuGovernor();
        (bool poll, bool stop) = m.Select(GuestMenuGovernor.KtimeMax, Tick, tickStopped: false);
        Assert.False(poll);
        Assert.False(stop);
    }

    [Fact]
    public void RegularLongIdles_BecomeTheTypicalInterval_AndStopTheTick()
    {
        var m = new GuestMenuGovernor();
        for (int i = 0; i < 8; i++)
        {
            m.Select(5_000_000, Tick, false);
            m.Reflect(5_000_000, tickWakeup: false, pollTimedOut: false, Tick);
        }

        (bool _, bool stop) = m.Select(5_000_000, Tick, false);
        Assert.True(stop);
        Assert.Equal(4_999_000, m.PredictedNs); // the 5 ms residencies less HLT's 1 us exit latency
    }

    [Fact]
    public void ATimerDueBeforeHltsTargetResidency_SelectsThePollState_AndKeepsTheTick()
    {
        var m = new GuestMenuGovernor();
        (bool poll, bool stop) = m.Select(500, Tick, false);
        Assert.True(poll);
        Assert.False(stop);
    }

    [Fact]
    public void AnAlreadyStoppedTick_StaysStopped()
    {
        // The tick is kept only "&& !tick_nohz_tick_stopped()": a short prediction does not restart it.
        var m = new GuestMenuGovernor();
        (bool _, bool stop) = m.Select(GuestMenuGovernor.KtimeMax, Tick, tickStopped: true);
        Assert.True(stop);
    }
}
