namespace KvmLab.Model.Guest;

/// <summary>
/// The guest's cpuidle-haltpoll governor (drivers/cpuidle/governors/haltpoll.c, Linux 5.4-5.10),
/// one per vCPU. select: with poll_limit_ns 0 go straight to HLT; after a poll that timed out,
/// halt; otherwise poll (state 0). reflect: only after a halt, adjust the limit by the halt's
/// residency: grow (x guest_halt_poll_grow, at least guest_halt_poll_grow_start, at most
/// guest_halt_poll_ns) when limit &lt; residency &lt;= guest_halt_poll_ns; shrink (/ shrink, 0 when
/// shrink is 0) when residency &gt; guest_halt_poll_ns and shrinking is allowed. The limit starts at
/// 0 (haltpoll_enable_device). Defaults: 200000 ns, shrink 2, grow 2, grow_start 50000, allow_shrink.
/// The driver (drivers/cpuidle/cpuidle-haltpoll.c) also turns host halt polling off for the vCPU
/// through MSR_KVM_POLL_CONTROL (arch_haltpoll_enable). The guest's idle loop
/// (<see cref="GuestKernel"/>, idle mode haltpoll) asks it before every idle state and tells it
/// how each ended; any workload can run on a guest with it.
/// </summary>
public sealed class GuestHaltPollGovernor
{
    public long GuestHaltPollNs { get; init; } = 200_000;

    public long Shrink { get; init; } = 2;

    public long Grow { get; init; } = 2;

    public long GrowStartNs { get; init; } = 50_000;

    public bool AllowShrink { get; init; } = true;

    /// <summary>dev->poll_limit_ns.</summary>
    public long PollLimitNs { get; private set; }

    /// <summary>True when the last entered state was the poll state (dev->last_state_idx == 0).</summary>
    public bool LastWasPoll { get; private set; }

    /// <summary>dev->poll_time_limit: the last poll ended because the limit expired.</summary>
    public bool LastPollTimedOut { get; private set; }

    /// <summary>Polls that ended because a task became runnable (need_resched) before the limit.</summary>
    public long PollHits { get; private set; }

    /// <summary>Polls that ran out their limit (dev->poll_time_limit set).</summary>
    public long PollTimeouts { get; private set; }

    /// <summary>Halts (state 1) entered.</summary>
    public long Halts { get; private set; }

    /// <summary>haltpoll_select: true to poll first (state 0), false to halt (state 1).</summary>
    public bool SelectPoll()
    {
        if (PollLimitNs == 0)
        {
            return false;
        }

        if (LastWasPoll)
        {
            return !LastPollTimedOut;
        }

        return true; // last state was halt: poll
    }

    /// <summary>haltpoll_reflect after a poll (state 0): records whether it timed out; no adjustment.</summary>
    public void ReflectPoll(bool timedOut)
    {
        LastWasPoll = true;
        LastPollTimedOut = timedOut;
        if (timedOut)
        {
            PollTimeouts++;
        }
        else
        {
            PollHits++;
        }

    }

    /// <summary>haltpoll_reflect after a halt (state 1): adjust_poll_limit by the halt's residency.</summary>
    public void ReflectHalt(long residencyNs)
    {
        Halts++;
        LastWasPoll = false;
        LastPollTimedOut = false;

        // 5.10 passes dev->last_residency in microseconds and multiplies by NSEC_PER_USEC.
        long blockNs = residencyNs / 1000 * 1000;
        if (blockNs > PollLimitNs && blockNs <= GuestHaltPollNs)
        {
            long val = PollLimitNs * Grow;
            if (val < GrowStartNs)
            {
                val = GrowStartNs;
            }

            if (val > GuestHaltPollNs)
            {
                val = GuestHaltPollNs;
            }

            PollLimitNs = val;
        }
        else if (blockNs > GuestHaltPollNs && AllowShrink)
        {
            PollLimitNs = Shrink == 0 ? 0 : PollLimitNs / Shrink;
        }
    }
}
