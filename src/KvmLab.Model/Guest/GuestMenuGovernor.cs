namespace KvmLab.Model.Guest;

/// <summary>
/// The menu cpuidle governor (drivers/cpuidle/governors/menu.c, Linux 5.10), one per guest CPU,
/// over the two-state table of a KVM guest's driver: state 0 polls (poll_state.c), state 1 is HLT
/// with exit_latency = target_residency = 1 us (the table of drivers/cpuidle/cpuidle-haltpoll.c).
/// <see cref="Select"/> is menu_select: the predicted idle length is the sleep length (the time to
/// the next timer, tick_nohz_get_sleep_length) scaled by a per-bucket correction factor, or the
/// typical interval of the last 8 idles when it is shorter (get_typical_interval); the tick is
/// kept (<c>*stop_tick = false</c>) when the chosen state polls or the prediction is below
/// TICK_NSEC. <see cref="Reflect"/> is menu_reflect + menu_update. Left out, because a guest here
/// never has them: PM QoS latency limits (latency_req is unlimited), I/O waiters
/// (nr_iowait_cpu is 0: fio's io_getevents sleeps interruptibly, not in io_schedule), and the
/// shallower-state correction when the tick is kept (no state's target residency exceeds a tick).
/// </summary>
public sealed class GuestMenuGovernor
{
    /// <summary>menu.c BUCKETS / 2: the buckets without I/O waiters.</summary>
    private const int Buckets = 6;

    /// <summary>menu.c INTERVALS (INTERVAL_SHIFT 3).</summary>
    private const int Intervals = 8;

    private const long Resolution = 1024;

    private const long Decay = 8;

    /// <summary>MAX_INTERESTING: 50 ms.</summary>
    private const long MaxInterestingNs = 50_000_000;

    /// <summary>tick_nohz_get_sleep_length with no timer left: KTIME_MAX.</summary>
    public const long KtimeMax = long.MaxValue;

    /// <summary>The HLT state's exit_latency and target_residency (cpuidle-haltpoll.c: 1 us each).</summary>
    public const long HaltLatencyNs = 1000;

    private readonly long[] _correction = new long[Buckets];
    private readonly uint[] _intervals = new uint[Intervals];
    private int _intervalPtr;
    private int _bucket;
    private long _nextTimerNs;
    private bool _lastPolled;

    public GuestMenuGovernor()
    {
        // menu_enable_device: every correction factor starts at unity.
        Array.Fill(_correction, Resolution * Decay);
    }

    /// <summary>The last prediction (predicted_ns), for tests and traces.</summary>
    public long PredictedNs { get; private set; }

    /// <summary>Selections that kept the tick running.</summary>
    public long TickKept { get; private set; }

    /// <summary>Selections of the polling state.</summary>
    public long Polls { get; private set; }

    /// <summary>
    /// menu_select: <paramref name="sleepLengthNs"/> is the time to the next timer event ignoring
    /// the tick (<see cref="KtimeMax"/> when there is none), <paramref name="tickNs"/> TICK_NSEC.
    /// Returns whether to poll (state 0) rather than halt, and whether to stop the tick.
    /// </summary>
    public (bool Poll, bool StopTick) Select(long sleepLengthNs, long tickNs, bool tickStopped)
    {
        _nextTimerNs = sleepLengthNs;
        _bucket = WhichBucket(sleepLengthNs);

        // state 0 is used no matter what when the next timer comes before HLT's target residency;
        // it polls, so the tick is kept (stop_tick = !(states[0].flags & CPUIDLE_FLAG_POLLING)).
        if (sleepLengthNs < HaltLatencyNs)
        {
            _lastPolled = true;
            Polls++;
            TickKept++;
            return (true, false);
        }

        // predicted_us = round(next_timer_ns * correction / (RESOLUTION * DECAY)) in microseconds.
        Int128 scaled = (Int128)sleepLengthNs * _correction[_bucket] + Resolution * Decay * 1000 / 2;
        Int128 predictedUs128 = scaled / (Resolution * Decay * 1000);
        uint predictedUs = predictedUs128 > uint.MaxValue ? uint.MaxValue : (uint)predictedUs128;
        long predictedNs = (long)Math.Min(predictedUs, TypicalInterval(predictedUs)) * 1000;

        // The deepest state whose target residency fits the prediction; a prediction below HLT's
        // still gets HLT, because its target residency is within the next timer (menu.c: "use a
        // physical idle state, not busy polling, unless a timer is going to trigger soon enough").
        if (predictedNs < HaltLatencyNs)
        {
            predictedNs = HaltLatencyNs;
        }

        PredictedNs = predictedNs;
        _lastPolled = false;
        bool stop = !(predictedNs < tickNs && !tickStopped);
        if (!stop)
        {
            TickKept++;
        }

        return (false, stop);
    }

    /// <summary>
    /// menu_reflect + menu_update after the state returned: <paramref name="residencyNs"/> is
    /// last_residency_ns, <paramref name="tickWakeup"/> tick_nohz_idle_got_tick (the tick ended
    /// it), <paramref name="pollTimedOut"/> dev->poll_time_limit of a polling state.
    /// </summary>
    public void Reflect(long residencyNs, bool tickWakeup, bool pollTimedOut, long tickNs)
    {
        long measured;
        if (tickWakeup && _nextTimerNs > tickNs)
        {
            // The tick woke the CPU with no timer due before it: the real idle would have been long.
            measured = 9 * MaxInterestingNs / 10;
        }
        else if (_lastPolled && pollTimedOut)
        {
            measured = _nextTimerNs;
        }
        else
        {
            long exitLatency = _lastPolled ? 0 : HaltLatencyNs;
            measured = residencyNs > 2 * exitLatency ? residencyNs - exitLatency : residencyNs / 2;
        }

        // Make sure the coefficients do not exceed unity.
        if (measured > _nextTimerNs)
        {
            measured = _nextTimerNs;
        }

        long factor = _correction[_bucket];
        factor -= factor / Decay;
        if (_nextTimerNs > 0 && measured < MaxInterestingNs)
        {
            factor += (long)((Int128)Resolution * measured / _nextTimerNs);
        }
        else
        {
            factor += Resolution;
        }

        _correction[_bucket] = factor;
        long us = measured / 1000;
        _intervals[_intervalPtr] = us > uint.MaxValue ? uint.MaxValue : (uint)us;
        _intervalPtr = (_intervalPtr + 1) % Intervals;
    }

    /// <summary>which_bucket without I/O waiters: decades of the sleep length from 10 us.</summary>
    private static int WhichBucket(long durationNs) => durationNs switch
    {
        < 10_000 => 0,
        < 100_000 => 1,
        < 1_000_000 => 2,
        < 10_000_000 => 3,
        < 100_000_000 => 4,
        _ => 5,
    };

    /// <summary>
    /// get_typical_interval: the average of the last 8 idles (us) when their spread is small
    /// (variance &lt;= 400 us^2, or avg^2 &gt; 36 variance with at least 6 samples left), dropping
    /// the largest until 6 remain; uint.MaxValue when there is no such pattern.
    /// </summary>
    private uint TypicalInterval(uint predictedUs)
    {
        uint thresh = int.MaxValue;
        while (true)
        {
            uint min = uint.MaxValue;
            uint max = 0;
            ulong sum = 0;
            int divisor = 0;
            foreach (uint v in _intervals)
            {
                if (v <= thresh)
                {
                    sum += v;
                    divisor++;
                    max = Math.Max(max, v);
                    min = Math.Min(min, v);
                }
            }

            if (min >= predictedUs)
            {
                return uint.MaxValue;
            }

            ulong avg = sum / (ulong)divisor;
            ulong variance = 0;
            foreach (uint v in _intervals)
            {
                if (v <= thresh)
                {
                    long diff = (long)v - (long)avg;
                    variance += (ulong)(diff * diff);
                }
            }

            variance /= (ulong)divisor;
            if (variance <= ulong.MaxValue / 36 && ((avg * avg > variance * 36 && divisor * 4 >= Intervals * 3) || variance <= 400))
            {
                return (uint)avg;
            }

            if (divisor * 4 <= Intervals * 3)
            {
                return uint.MaxValue;
            }

            thresh = max - 1;
        }
    }
}
