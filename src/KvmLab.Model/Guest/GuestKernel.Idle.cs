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
            Action afterStop = () =>
            {
                if (k._runQueues[cpu.Id].Count > 0)
                {
                    k.ExitIdle(cpu);
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
