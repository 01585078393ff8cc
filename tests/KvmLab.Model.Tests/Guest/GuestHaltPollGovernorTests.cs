using KvmLab.Model.Guest;

namespace KvmLab.Model.Tests.Guest;

/// <summary>
/// The guest cpuidle-haltpoll governor against drivers/cpuidle/governors/haltpoll.c (Linux
/// 5.4-5.10): haltpoll_select, adjust_poll_limit, haltpoll_reflect, haltpoll_enable_device.
/// </summary>
public class GuestHaltPollGovernorTests
{
    [Fact]
    public void Enable_LimitZero_SelectsHalt()
    {
        // haltpoll_enable_device sets poll_limit_ns = 0; select returns 1 (halt) when it is 0.
        var g = new GuestHaltPollGovernor();
        Assert.Equal(0, g.PollLimitNs);
        Assert.False(g.SelectPoll());
    }

    [Fact]
    public void HaltShorterThanGuestHaltPollNs_GrowsToGrowStart()
    {
        // limit 0 < block <= 200000: val = 0 * 2 = 0 < grow_start 50000 -> 50000.
        var g = new GuestHaltPollGovernor();
        g.ReflectHalt(20_000);
        Assert.Equal(50_000, g.PollLimitNs);
        g.ReflectHalt(60_000);
        Assert.Equal(100_000, g.PollLimitNs);
        g.ReflectHalt(150_000);
        Assert.Equal(200_000, g.PollLimitNs); // capped at guest_halt_poll_ns
    }

    [Fact]
    public void HaltWithinLimit_NoChange()
    {
        // Grow only when block_ns > poll_limit_ns.
        var g = new GuestHaltPollGovernor();
        g.ReflectHalt(20_000);
        g.ReflectHalt(30_000);
        Assert.Equal(50_000, g.PollLimitNs);
    }

    [Fact]
    public void HaltLongerThanGuestHaltPollNs_ShrinksByHalf()
    {
        var g = new GuestHaltPollGovernor();
        g.ReflectHalt(20_000);
        g.ReflectHalt(60_000);
        g.ReflectHalt(500_000);
        Assert.Equal(50_000, g.PollLimitNs);
    }

    [Fact]
    public void ShrinkZero_ResetsAndShrinkDisallowed_Keeps()
    {
        var reset = new GuestHaltPollGovernor { Shrink = 0 };
        reset.ReflectHalt(20_000);
        reset.ReflectHalt(500_000);
        Assert.Equal(0, reset.PollLimitNs);

        var keep = new GuestHaltPollGovernor { AllowShrink = false };
        keep.ReflectHalt(20_000);
        keep.ReflectHalt(500_000);
        Assert.Equal(50_000, keep.PollLimitNs);
    }

    [Fact]
    public void Select_AfterHalt_Polls_AfterTimedOutPoll_Halts_AfterSuccessfulPoll_PollsAgain()
    {
        var g = new GuestHaltPollGovernor();
        g.ReflectHalt(20_000);
        Assert.True(g.SelectPoll());          // last state was halt: poll
        g.ReflectPoll(timedOut: true);
        Assert.False(g.SelectPoll());         // "Halt if no event occurred on poll window"
        g.ReflectHalt(10_000);
        Assert.True(g.SelectPoll());
        g.ReflectPoll(timedOut: false);
        Assert.True(g.SelectPoll());          // "Otherwise, poll again"
    }

    [Fact]
    public void Reflect_ResidencyIsTruncatedToMicroseconds()
    {
        // 5.10 passes last_residency in us: 50999 ns is 50 us = 50000 ns, not above the 50000 limit.
        var g = new GuestHaltPollGovernor();
        g.ReflectHalt(20_000);
        g.ReflectHalt(50_999);
        Assert.Equal(50_000, g.PollLimitNs);
    }
}
