using KvmLab.Engine.Time;
using KvmLab.Model;
using KvmLab.Model.Invariants;
using KvmLab.Model.Kvm;

namespace KvmLab.Scenarios;

/// <summary>Exit accounting like `perf kvm stat`: exits per second by reason, fastpath share, halt polling, time outside the guest.</summary>
public static class ExitMetrics
{
    public static IEnumerable<RunMetric> Of(HostContext host, IReadOnlyList<Vm> vms, SimTime now)
    {
        double seconds = Math.Max(now.Seconds, 1e-12);
        var all = vms.SelectMany(v => v.Vcpus).ToList();
        foreach (ExitReason r in Enum.GetValues<ExitReason>())
        {
            long n = all.Sum(v => v.Stats.ExitCount(r));
            if (n == 0 && r is ExitReason.EptMisconfig or ExitReason.Cpuid or ExitReason.IoInstruction or ExitReason.MsrRead
                or ExitReason.CrAccess or ExitReason.InterruptWindow)
            {
                // Only a device's doorbell or a kvm-unit-tests loop causes these: runs without one list the reasons they always did.
                continue;
            }

            yield return new RunMetric($"exits_per_s.{r}", n / seconds, "1/s");
        }

        foreach (ExitReason r in Enum.GetValues<ExitReason>())
        {
            long timed = all.Sum(v => v.Stats.TimedExits(r));
            if (timed > 0)
            {
                yield return new RunMetric($"exit_handling_us.{r}", all.Sum(v => v.Stats.ExitTimeNs(r)) / 1000.0 / timed, "us");
            }
        }

        long total = all.Sum(v => v.Stats.TotalExits);
        long fast = all.Sum(v => v.Stats.FastpathExits);
        yield return new RunMetric("exits_per_s.total", total / seconds, "1/s");
        yield return new RunMetric("fastpath_share", total == 0 ? 0 : 100.0 * fast / total, "%");
        yield return new RunMetric("halt_poll_success", Pct(all.Sum(v => v.Stats.HaltPollSuccesses), all.Sum(v => v.Stats.HaltPollAttempts)), "%");
        // The attempts behind that share: 0% with no attempts means no halt polled (the wake-up was
        // already pending at HLT, kvm_arch_vcpu_runnable), not that every poll failed.
        yield return new RunMetric("halt_polls_per_s", all.Sum(v => v.Stats.HaltPollAttempts) / seconds, "1/s");
        yield return new RunMetric("halt_sleeps_per_s", all.Sum(v => v.Stats.HaltSleeps) / seconds, "1/s");
        double guest = all.Sum(v => v.Stats.GuestTime.Seconds);
        double hostTime = all.Sum(v => v.Stats.HostTime.Seconds);
        yield return new RunMetric("vcpu_time_outside_guest", Pct(hostTime, guest + hostTime), "%");
        // The host's view of CPU burned (what `compare` charges per unit of work): every pCPU's time
        // not idle (a thread, a switch or an interrupt on it), guest polling and host halt polling included.
        long busyNs = host.Pcpus.Sum(p => p.Ledger.Total(now) - p.Ledger.TimeIn((int)PcpuTime.Idle, now));
        yield return new RunMetric("pcpu_busy_cores", busyNs / 1e9 / seconds, "cores");
        yield return new RunMetric("host_context_switches_per_s", host.Scheduler.ContextSwitches / seconds, "1/s");
        yield return new RunMetric("host_migrations", host.Scheduler.Migrations, "count");
        yield return new RunMetric("guest_wakeups_per_s", vms.Sum(v => v.Guest.Wakeups) / seconds, "1/s");
        yield return new RunMetric("guest_resched_ipis_per_s", vms.Sum(v => v.Guest.ReschedIpis) / seconds, "1/s");
        yield return new RunMetric("guest_context_switches_per_s", vms.Sum(v => v.Guest.ContextSwitches) / seconds, "1/s");
        yield return new RunMetric("tsc_deadline_writes_per_s", vms.Sum(v => v.Guest.Cpus.Sum(c => c.Timers.DeadlineWrites)) / seconds, "1/s");
        // The guest idle path (kernel/sched/idle.c, kernel/time/tick-sched.c): idle states entered,
        // cpuidle polls a wake-up ended, tick stops and restarts and their IA32_TSC_DEADLINE writes.
        var cpus = vms.SelectMany(v => v.Guest.Cpus).ToList();
        yield return new RunMetric("guest_idle_entries_per_s", cpus.Sum(c => c.IdleEntries) / seconds, "1/s");
        yield return new RunMetric("guest_idle_poll_hits_per_s", cpus.Sum(c => c.IdlePollHits) / seconds, "1/s");
        yield return new RunMetric("guest_tick_stops_per_s", cpus.Sum(c => c.Timers.TickStops) / seconds, "1/s");
        yield return new RunMetric("guest_tick_restarts_per_s", cpus.Sum(c => c.Timers.TickRestarts) / seconds, "1/s");
        yield return new RunMetric("guest_tick_deadline_writes_per_s", cpus.Sum(c => c.Timers.TickDeadlineWrites) / seconds, "1/s");
        yield return new RunMetric("lapic_timer_expiries_per_s", all.Sum(v => v.Timer.Expiries) / seconds, "1/s");

        // Directed yield (per PLE exit and PV yield hypercall), for every VM together.
        long onSpin = vms.Sum(v => v.YieldStats.OnSpinCalls);
        yield return new RunMetric("ple_exits", all.Sum(v => v.Stats.ExitCount(ExitReason.PauseLoop)), "count");
        yield return new RunMetric("dy_on_spin_per_s", onSpin / seconds, "1/s");
        yield return new RunMetric("dy_sched_yield_calls_per_s", vms.Sum(v => v.YieldStats.SchedYieldCalls) / seconds, "1/s");
        yield return new RunMetric("dy_attempts_per_s", vms.Sum(v => v.YieldStats.YieldAttempts) / seconds, "1/s");
        yield return new RunMetric("dy_successes_per_s", vms.Sum(v => v.YieldStats.YieldSuccesses) / seconds, "1/s");
        foreach (SpinSkip why in Enum.GetValues<SpinSkip>())
        {
            yield return new RunMetric($"dy_skipped_per_s.{why}", vms.Sum(v => v.YieldStats.Skipped(why)) / seconds, "1/s");
        }
    }

    private static double Pct(double part, double whole) => whole <= 0 ? 0 : 100.0 * part / whole;
}
