namespace KvmLab.Model.Qemu;

/// <summary>
/// QEMU's adaptive AioContext polling window, as util/aio-posix.c aio_poll adjusts ctx->poll_ns
/// after each blocking iteration (QEMU 5.2; the same rule moved into adjust_polling_time() in
/// later versions): a block no longer than the window changes nothing; a block longer than
/// poll-max-ns shrinks the window (divided by poll-shrink, or reset to 0 when poll-shrink is 0);
/// a block shorter than poll-max-ns while the window is below it grows the window (times
/// poll-grow, 2 when poll-grow is 0; from 0 it starts at 4000 ns), capped at poll-max-ns.
/// IOThreads default to poll-max-ns 32768 (iothread.c IOTHREAD_POLL_MAX_NS_DEFAULT); the main
/// loop's context does not poll (poll_max_ns 0).
/// </summary>
public sealed record AioPollAdaptation(long PollMaxNs, long PollGrow = 0, long PollShrink = 0)
{
    /// <summary>iothread.c: IOTHREAD_POLL_MAX_NS_DEFAULT (QEMU 5.2) for POSIX hosts.</summary>
    public const long IoThreadDefaultMaxNs = 32768;

    /// <summary>util/aio-posix.c: "start polling at 4 microseconds".</summary>
    public const long GrowStartNs = 4000;

    /// <summary>The window after an aio_poll call that blocked for <paramref name="blockNs"/>.</summary>
    public long Adjust(long pollNs, long blockNs)
    {
        if (PollMaxNs == 0)
        {
            return pollNs; // aio_poll skips the adjustment entirely when polling is off
        }

        if (blockNs <= pollNs)
        {
            return pollNs; // "the sweet spot"
        }

        if (blockNs > PollMaxNs)
        {
            return PollShrink != 0 ? pollNs / PollShrink : 0;
        }

        if (pollNs < PollMaxNs && blockNs < PollMaxNs)
        {
            long grow = PollGrow == 0 ? 2 : PollGrow;
            long next = pollNs != 0 ? pollNs * grow : GrowStartNs;
            return Math.Min(next, PollMaxNs);
        }

        return pollNs;
    }
}
