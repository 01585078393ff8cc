using KvmLab.Engine.Time;
using KvmLab.Model.HostOs;
using KvmLab.Model.Kvm;

namespace KvmLab.Model.Guest;

/// <summary>The idle loop (kernel/sched/idle.c do_idle): HLT or poll, the NOHZ tick stop and restart.</summary>
public sealed partial class GuestKernel
{
    /// <summary>The idle loop: do_idle around HLT (or cpu_idle_poll), with NOHZ tick stop on the way in.</summary>
    private void EnterIdle(GuestCpu cpu)
    {
        cpu.IdleSince = Now;
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
            var f = new GuestFlag();
            f.Arm(1);
            cpu.IdlePollFlag = f;
            cpu.SpinUntil(f, steps.PollDone);
            return;
        }

        cpu.Compute(_host.Costs.GuestIdleLoop, steps.AfterLoop);
    }

    /// <summary>
    /// Loads cpuidle-haltpoll (haltpoll_init): a governor per CPU, and arch_haltpoll_enable's
    /// MSR_KVM_POLL_CONTROL write of 0 on every vCPU, so that KVM does not poll a second time.
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
    /// cpuidle_idle_call with the haltpoll governor: state 0 is poll_idle (drivers/cpuidle/poll_state.c:
    /// spin with TIF_POLLING_NRFLAG set, so a wake-up needs no IPI, until need_resched or the poll
    /// limit), state 1 is HLT; the governor is told how each ended (haltpoll_reflect).
    /// </summary>
    private static void HaltPollIdle(GuestCpu cpu, GuestHaltPollGovernor gov, IdleSteps steps)
    {
        if (gov.SelectPoll())
        {
            steps.PollFlag.Arm(1);
            cpu.IdlePollFlag = steps.PollFlag;
            cpu.SpinUntil(steps.PollFlag, steps.HaltPollSeen, new SimSpan(gov.PollLimitNs), steps.HaltPollTimedOut);
            return;
        }

        steps.HaltStart = cpu.Kernel.Now;
        cpu.Halt(steps.AfterHaltPollHalt);
    }

    /// <summary>One CPU's idle-loop continuations.</summary>
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
            HaltPollSeen = () =>
            {
                cpu.IdlePollFlag = null;
                cpu.HaltPoll!.ReflectPoll(timedOut: false);
                k.IdlePass(cpu);
            };
            HaltPollTimedOut = () =>
            {
                cpu.IdlePollFlag = null;
                cpu.HaltPoll!.ReflectPoll(timedOut: true);
                k.IdlePass(cpu);
            };
            AfterHaltPollHalt = () =>
            {
                // last_residency: from entering the state until it returned (the interrupt's handler included).
                cpu.HaltPoll!.ReflectHalt((k.Now - HaltStart).Ns);
                k.IdlePass(cpu);
            };
            Action afterStop = () =>
            {
                if (k._runQueues[cpu.Id].Count > 0)
                {
                    k.ExitIdle(cpu);
                }
                else if (cpu.HaltPoll is { } gov)
                {
                    HaltPollIdle(cpu, gov, this);
                }
                else
                {
                    // default_idle: STI; HLT. The interrupt that ends it runs first, then the loop.
                    cpu.Halt(Again);
                }
            };
            AfterLoop = () => cpu.Timers.MaybeStopTick(cpu.LastIdle, afterStop);
        }

        public Action Again { get; }

        public Action PollDone { get; }

        public Action AfterLoop { get; }

        public Action HaltPollSeen { get; }

        public Action HaltPollTimedOut { get; }

        public Action AfterHaltPollHalt { get; }

        /// <summary>The word poll_idle watches (TIF_NEED_RESCHED), reused for every poll.</summary>
        public GuestFlag PollFlag { get; } = new();

        public SimTime HaltStart { get; set; }
    }

    private void ExitIdle(GuestCpu cpu)
    {
        cpu.LastIdle = Now - cpu.IdleSince;
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
