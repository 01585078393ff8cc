using KvmLab.Engine.Time;
using KvmLab.Model.HostOs;
using KvmLab.Model.Kvm;

namespace KvmLab.Model.Guest;

/// <summary>
/// The idle loop (kernel/sched/idle.c do_idle, Linux 5.10): idle=poll spins (cpu_idle_poll, the
/// tick kept); otherwise cpuidle_idle_call asks the governor for a state and whether to stop the
/// tick — without a driver it stops the tick and halts (default_idle_call), with cpuidle-haltpoll
/// or menu the governor decides — and tick_nohz_idle_exit restarts a stopped tick when a task is
/// runnable. Each pass of the loop (one per return from an idle state) asks again.
/// </summary>
public sealed partial class GuestKernel
{
    /// <summary>do_idle: entered when the CPU's run queue is empty.</summary>
    private void EnterIdle(GuestCpu cpu)
    {
        IdlePass(cpu);
    }

    private void IdlePass(GuestCpu cpu)
    {
        if (_runQueues[cpu.Id].Count > 0)
        {
            ExitIdle(cpu);
            return;
        }

        // The idle loop's continuations are made once per CPU: idling allocates nothing.
        IdleSteps steps = cpu.Idle ??= new IdleSteps(this, cpu);
        if (!IsLinux)
        {
            cpu.Halt(steps.Again); // kvm-unit-tests: "hlt; jmp 1b"
            return;
        }

        if (Config.IdlePoll)
        {
            // cpu_idle_force_poll: tick_nohz_idle_restart_tick, then cpu_idle_poll until need_resched.
            var f = new GuestFlag();
            f.Arm(1);
            cpu.IdlePollFlag = f;
            cpu.IdleEntries++;
            cpu.SpinUntil(f, steps.PollDone);
            return;
        }

        cpu.Compute(_host.Costs.GuestIdleLoop, steps.AfterLoop);
    }

    /// <summary>
    /// Loads cpuidle-haltpoll (haltpoll_init): a governor per CPU, and arch_haltpoll_enable's
    /// MSR_KVM_POLL_CONTROL write of 0 on every vCPU, so that KVM does not poll a second time.
    /// The storage ladder's `guest_haltpoll` calls this too: one implementation for every path.
    /// </summary>
    public void EnableHaltPoll()
    {
        foreach (GuestCpu c in _cpus)
        {
            c.HaltPoll ??= new GuestHaltPollGovernor();
            c.Vcpu.WritePollControl(hostPoll: false);
        }
    }

    /// <summary>
    /// cpuidle_idle_call: the governor's choice (state and stop_tick), then tick_nohz_idle_stop_tick
    /// when it asks for it or the tick is already stopped (tick_nohz_idle_retain_tick otherwise),
    /// then the state. Without a driver (cpuidle_not_available) the tick is stopped unconditionally.
    /// </summary>
    private void CpuidleIdleCall(GuestCpu cpu, IdleSteps steps)
    {
        if (_runQueues[cpu.Id].Count > 0)
        {
            ExitIdle(cpu);
            return;
        }

        GuestTimers timers = cpu.Timers;
        if (cpu.HaltPoll is { } gov)
        {
            // haltpoll_select: halting leaves *stop_tick true; polling sets it false.
            steps.Poll = gov.SelectPoll();
            steps.PollLimit = new SimSpan(gov.PollLimitNs);
            steps.StopTick = !steps.Poll;
        }
        else if (cpu.Menu is { } menu)
        {
            (steps.Poll, steps.StopTick) = menu.Select(timers.SleepLengthNs(), timers.TickPeriod.Ns, timers.TickStopped);
            // poll_idle's limit: cpuidle_poll_time, the next state's target residency.
            steps.PollLimit = new SimSpan(GuestMenuGovernor.HaltLatencyNs);
        }
        else
        {
            steps.Poll = false;
            steps.StopTick = true;
        }

        if (steps.StopTick || timers.TickStopped)
        {
            timers.StopTick(steps.EnterState);
        }
        else
        {
            steps.EnterState();
        }
    }

    /// <summary>
    /// call_cpuidle: state 0 is poll_idle (drivers/cpuidle/poll_state.c: spin with
    /// TIF_POLLING_NRFLAG set, so a wake-up needs no IPI, until need_resched or the poll limit),
    /// otherwise HLT (default_idle: STI; HLT; the interrupt that ends it runs first, then the loop).
    /// </summary>
    private static void EnterIdleState(GuestCpu cpu, IdleSteps steps)
    {
        cpu.IdleEntries++;
        cpu.Timers.GotIdleTick = false;
        steps.StateStart = cpu.Kernel.Now;
        if (steps.Poll)
        {
            steps.PollFlag.Arm(1);
            cpu.IdlePollFlag = steps.PollFlag;
            cpu.SpinUntil(steps.PollFlag, steps.PollSeen, steps.PollLimit, steps.PollTimedOut);
            return;
        }

        cpu.Halt(steps.AfterHalt);
    }

    /// <summary>cpuidle_reflect: the governor is told how the state ended (residency up to the return from its interrupt).</summary>
    private void ReflectState(GuestCpu cpu, IdleSteps steps, bool polled, bool timedOut)
    {
        cpu.IdlePollFlag = null;
        long residency = (Now - steps.StateStart).Ns;
        if (polled && !timedOut)
        {
            cpu.IdlePollHits++;
        }

        if (cpu.HaltPoll is { } gov)
        {
            if (polled)
            {
                gov.ReflectPoll(timedOut);
            }
            else
            {
                gov.ReflectHalt(residency);
            }
        }
        else
        {
            cpu.Menu?.Reflect(residency, cpu.Timers.GotIdleTick, polled && timedOut, cpu.Timers.TickPeriod.Ns);
        }

        IdlePass(cpu);
    }

    /// <summary>One CPU's idle-loop continuations and the state chosen for the current pass.</summary>
    internal sealed class IdleSteps
    {
        public IdleSteps(GuestKernel k, GuestCpu cpu)
        {
            Again = () => k.IdlePass(cpu);
            PollDone = () =>
            {
                cpu.IdlePollFlag = null;
                k.IdlePass(cpu);
            };
            AfterLoop = () => k.CpuidleIdleCall(cpu, this);
            EnterState = () =>
            {
                if (k._runQueues[cpu.Id].Count > 0)
                {
                    k.ExitIdle(cpu);
                }
                else
                {
                    EnterIdleState(cpu, this);
                }
            };
            PollSeen = () => k.ReflectState(cpu, this, polled: true, timedOut: false);
            PollTimedOut = () => k.ReflectState(cpu, this, polled: true, timedOut: true);
            AfterHalt = () => k.ReflectState(cpu, this, polled: false, timedOut: false);
        }

        public Action Again { get; }

        public Action PollDone { get; }

        public Action AfterLoop { get; }

        public Action EnterState { get; }

        public Action PollSeen { get; }

        public Action PollTimedOut { get; }

        public Action AfterHalt { get; }

        /// <summary>The word poll_idle watches (TIF_NEED_RESCHED), reused for every poll.</summary>
        public GuestFlag PollFlag { get; } = new();

        /// <summary>The governor chose the polling state (state 0) for this pass.</summary>
        public bool Poll { get; set; }

        public SimSpan PollLimit { get; set; }

        /// <summary>The governor's *stop_tick for this pass.</summary>
        public bool StopTick { get; set; }

        public SimTime StateStart { get; set; }
    }

    private void ExitIdle(GuestCpu cpu)
    {
        cpu.Timers.RestartTickIfStopped(() => Schedule(cpu));
    }

    /// <summary>The tick's scheduler work: a task past its slice is marked for rescheduling.</summary>
    internal void OnTick(GuestCpu cpu)
    {
        if (cpu.CurrentTask is { } t && SliceExpired(cpu, t))
        {
            cpu.NeedResched = true;
        }
    }
}
