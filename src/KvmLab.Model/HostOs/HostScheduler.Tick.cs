using KvmLab.Engine.Time;
using KvmLab.Model.Hardware;

namespace KvmLab.Model.HostOs;

/// <summary>The periodic tick: scheduler_tick's check_preempt_tick, and the interrupt itself.</summary>
public sealed partial class HostScheduler
{
    private readonly HostTickMode _tickMode;

    /// <summary>Host ticks taken so far (over every CPU).</summary>
    public long Ticks { get; private set; }

    private void ArmTick(Pcpu cpu)
    {
        if (_tickArmed[cpu.Id] || (_tickMode.StopWithOneTask ? cpu.RunQueue.QueuedCount == 0 : cpu.Current is null))
        {
            // nohz_full: the tick matters only for slice expiry, so it runs only while someone
            // waits; NO_HZ_IDLE: an idle CPU stops its tick (tick_nohz_idle_stop_tick).
            return;
        }

        // The next jiffy boundary after now (the tick is aligned, not relative to the arming).
        long period = _tickPeriod.Ns;
        long phase = _tickMode.Phase.Ns % period;
        long now = _sim.Now.Ns;
        long next = phase + (((now - phase) / period) + 1) * period;
        _tickArmed[cpu.Id] = true;
        _sim.Schedule(new SimTime(next), this, KindTick, cpu.Id);
    }

    /// <summary>
    /// tick_sched_timer: the timer interrupt reaches whatever the CPU runs (a vCPU in guest mode
    /// takes an EXTERNAL_INTERRUPT exit for it), then scheduler_tick's check_preempt_tick
    /// reschedules when the current thread used up its slice.
    /// </summary>
    private void Tick(Pcpu cpu)
    {
        _tickArmed[cpu.Id] = false;
        if (cpu.Current is { } running)
        {
            Ticks++;
            running.OnHostTick();
        }

        if (cpu.Current is { } curr && cpu.RunQueue.QueuedCount > 0)
        {
            UpdateCurr(curr);
            long total = cpu.RunQueue.QueuedWeight + curr.Weight;
            long slice = Tunables.Period(cpu.RunQueue.QueuedCount + 1).Ns * curr.Weight / total;
            SimSpan ran = _sim.Now - _busySince[cpu.Id];
            if (ran.Ns > slice)
            {
                RequestResched(curr);
            }
        }

        TriggerLoadBalance(cpu);
        ArmTick(cpu);
    }
}
