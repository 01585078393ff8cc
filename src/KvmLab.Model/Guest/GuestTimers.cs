using KvmLab.Engine.Time;
using KvmLab.Model.Kvm;

namespace KvmLab.Model.Guest;

/// <summary>
/// One guest CPU's hrtimer base and its clockevent device, the LAPIC timer in TSC-deadline mode
/// (kernel/time/hrtimer.c, arch/x86/kernel/apic/apic.c lapic_next_deadline): arming a timer that
/// becomes the earliest reprograms IA32_TSC_DEADLINE; the timer interrupt runs the expired
/// callbacks and programs the next expiry. With CONFIG_HZ set, the tick is an hrtimer that the
/// NOHZ idle code stops when the CPU expects a long idle and restarts when it leaves idle
/// (kernel/time/tick-sched.c). Each IA32_TSC_DEADLINE write is an MSR_WRITE exit unless the
/// passthrough timer lets the guest write the physical timer.
/// </summary>
public sealed class GuestTimers
{
    private readonly HostContext _host;
    private readonly GuestCpu _cpu;
    private readonly PriorityQueue<(GuestHrtimer Timer, long Gen), (long At, long Seq)> _queue = new();
    private long _seq;
    private bool _tickReprogram;

    internal GuestTimers(HostContext host, GuestCpu cpu)
    {
        _host = host;
        _cpu = cpu;
        int hz = cpu.Kernel.Config.Hz;
        if (hz > 0)
        {
            TickPeriod = SimSpan.FromNanoseconds(1e9 / hz);
            Tick = new GuestHrtimer("tick", OnTick);
        }
    }

    /// <summary>What IA32_TSC_DEADLINE holds; null when disarmed or after it fired.</summary>
    public SimTime? Programmed { get; private set; }

    public long DeadlineWrites { get; private set; }

    public SimSpan TickPeriod { get; }

    /// <summary>The periodic tick (null without CONFIG_HZ in the model).</summary>
    public GuestHrtimer? Tick { get; }

    /// <summary>tick_nohz_stop_tick has run: the tick is off while the CPU idles.</summary>
    public bool TickStopped { get; private set; }

    private bool Passthrough => _cpu.Vcpu.Vm.Policies.TimerDelivery.GuestProgramsTimer;

    /// <summary>Starts the tick at the next period boundary (all CPUs tick together: sched_skew_tick=0).</summary>
    internal void StartTick(Action then)
    {
        if (Tick is null)
        {
            then();
            return;
        }

        TickStopped = false;
        Arm(Tick, NextTickBoundary(), then);
    }

    /// <summary>hrtimer_start: queue the timer; reprogram the device if it is now the earliest.</summary>
    public void Arm(GuestHrtimer t, SimTime expires, Action then)
    {
        _cpu.Compute(_host.Costs.GuestHrtimerStart, () =>
        {
            Enqueue(t, expires);
            if (Programmed is not { } p || expires < p)
            {
                Program(expires, then);
            }
            else
            {
                then();
            }
        });
    }

    /// <summary>hrtimer_cancel: dequeue; if it was the programmed expiry, reprogram to the next one (hrtimer_force_reprogram).</summary>
    public void Cancel(GuestHrtimer t, Action then)
    {
        if (!t.IsArmed)
        {
            then();
            return;
        }

        _cpu.Compute(_host.Costs.GuestHrtimerStart, () =>
        {
            t.IsArmed = false;
            t.Generation++;
            if (Programmed is { } p && p == t.Expires && NextExpiry() is { } next && next != p)
            {
                Program(next, then);
            }
            else
            {
                then();
            }
        });
    }

    /// <summary>tick_nohz_idle_stop_tick has run this many times (the tick was running and is now off).</summary>
    public long TickStops { get; private set; }

    /// <summary>tick_nohz_idle_exit restarted a stopped tick this many times.</summary>
    public long TickRestarts { get; private set; }

    /// <summary>Of <see cref="DeadlineWrites"/>, those made by stopping or restarting the tick.</summary>
    public long TickDeadlineWrites { get; private set; }

    /// <summary>ts->got_idle_tick: the tick fired since the last idle state was entered (tick_nohz_idle_got_tick).</summary>
    internal bool GotIdleTick { get; set; }

    /// <summary>
    /// tick_nohz_get_sleep_length: the time from now to the next timer event if the tick were
    /// stopped (the next hrtimer other than the tick: hrtimer_next_event_without), KTIME_MAX with none.
    /// </summary>
    internal long SleepLengthNs()
    {
        long best = GuestMenuGovernor.KtimeMax;
        // A minimum over the queue: the order of the walk cannot change the result.
        foreach (var (e, key) in _queue.UnorderedItems)
        {
            if (e.Gen == e.Timer.Generation && e.Timer.IsArmed && e.Timer != Tick && key.At < best)
            {
                best = key.At;
            }
        }

        return best == GuestMenuGovernor.KtimeMax ? best : Math.Max(0, best - _host.Sim.Now.Ns);
    }

    /// <summary>
    /// tick_nohz_idle_stop_tick (kernel/time/tick-sched.c) in high-resolution mode: the tick's
    /// hrtimer is moved to the next timer-wheel event, and the model has no timer-wheel timers, so
    /// it is cancelled; the clockevent is reprogrammed to the next hrtimer if the tick was the
    /// earliest (hrtimer_force_reprogram: one IA32_TSC_DEADLINE write). With no timer left the
    /// device goes ONESHOT_STOPPED (LVTT/TMICT writes, not modeled). A stopped tick stays stopped.
    /// </summary>
    internal void StopTick(Action then)
    {
        if (Tick is null || TickStopped)
        {
            then();
            return;
        }

        TickStopped = true;
        TickStops++;
        _tickReprogram = true;
        Cancel(Tick, () =>
        {
            _tickReprogram = false;
            then();
        });
    }

    /// <summary>tick_nohz_idle_exit → tick_nohz_restart_sched_tick: the tick again at the next period boundary (a deadline write when it is the earliest).</summary>
    internal void RestartTickIfStopped(Action then)
    {
        if (Tick is null || !TickStopped)
        {
            then();
            return;
        }

        TickRestarts++;
        _tickReprogram = true;
        StartTick(() =>
        {
            _tickReprogram = false;
            then();
        });
    }

    /// <summary>The LOCAL_TIMER_VECTOR handler: the deadline fired, run what expired, program the next expiry.</summary>
    internal void OnInterrupt(Action then)
    {
        Programmed = null; // IA32_TSC_DEADLINE reads 0 once it fired
        _cpu.Compute(_host.Costs.GuestTimerInterrupt, () => RunExpired(then));
    }

    private void RunExpired(Action then)
    {
        while (_queue.TryPeek(out var e, out var key))
        {
            if (e.Gen != e.Timer.Generation || !e.Timer.IsArmed)
            {
                _queue.Dequeue();
                continue;
            }

            if (key.At > _host.Sim.Now.Ns)
            {
                break;
            }

            _queue.Dequeue();
            e.Timer.IsArmed = false;
            e.Timer.Callback(_cpu, () => RunExpired(then));
            return;
        }

        if (NextExpiry() is { } next)
        {
            Program(next, then);
        }
        else
        {
            then();
        }
    }

    private SimTime? NextExpiry()
    {
        while (_queue.TryPeek(out var e, out var key))
        {
            if (e.Gen == e.Timer.Generation && e.Timer.IsArmed)
            {
                return new SimTime(key.At);
            }

            _queue.Dequeue();
        }

        return null;
    }

    /// <summary>Queues (or re-queues) a timer; a stale entry of its earlier arming is skipped by generation.</summary>
    private void Enqueue(GuestHrtimer t, SimTime expires)
    {
        t.Generation++;
        t.Expires = expires;
        t.IsArmed = true;
        _queue.Enqueue((t, t.Generation), (expires.Ns, _seq++));
    }

    /// <summary>The next multiple of the tick period after now (ticks are aligned across CPUs).</summary>
    private SimTime NextTickBoundary()
    {
        long period = TickPeriod.Ns;
        return new SimTime(((_host.Sim.Now.Ns / period) + 1) * period);
    }

    /// <summary>lapic_next_deadline: WRMSR IA32_TSC_DEADLINE (an exit unless passed through).</summary>
    private void Program(SimTime deadline, Action then)
    {
        Programmed = deadline;
        DeadlineWrites++;
        if (_tickReprogram)
        {
            TickDeadlineWrites++;
        }
        if (Passthrough)
        {
            _cpu.Compute(_host.Costs.BareTscDeadlineWrite, () =>
            {
                _cpu.Vcpu.Timer.WritePhysical(deadline);
                then();
            });
        }
        else
        {
            _cpu.ExitingInstruction(ExitReason.MsrWrite, MsrIndex.TscDeadline, default, then, deadline.Ns);
        }
    }

    /// <summary>tick_sched_timer: the tick's work, then hrtimer_forward by one period while the tick runs.</summary>
    private void OnTick(GuestCpu cpu, Action then)
    {
        cpu.Compute(_host.Costs.GuestTickWork, () =>
        {
            cpu.Kernel.OnTick(cpu);
            GotIdleTick = true;
            if (!TickStopped && Tick is { } tick)
            {
                Enqueue(tick, NextTickBoundary());
            }

            then();
        });
    }
}
