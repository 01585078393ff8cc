using KvmLab.Engine.Time;
using KvmLab.Model.HostOs;
using KvmLab.Model.Kvm;

namespace KvmLab.Model.Guest;

/// <summary>
/// The guest kernel of one VM: per-CPU CFS-like run queues (vruntime, sleeper credit of half a
/// latency period, wakeup preemption beyond the wakeup granularity, slices; SCHED_FIFO tasks
/// first), blocking and wakeups (a remote wakeup of an idle CPU sends a reschedule IPI unless
/// the CPU polls: kernel/sched/core.c ttwu, resched_curr, set_nr_if_polling), the idle loop
/// (HLT, or cpu_idle_poll with idle=poll; NOHZ tick stop and restart), hrtimers, call-function
/// IPIs through per-CPU csd queues (kernel/smp.c) and the interrupt handlers. IPIs go out as
/// <see cref="GuestApic"/> dictates.
/// </summary>
public sealed partial class GuestKernel
{
    private readonly HostContext _host;
    private readonly GuestCpu[] _cpus;
    private readonly List<GuestTask>[] _runQueues;
    private readonly long[] _minVruntime;
    private readonly Queue<Csd>[] _csdQueues;
    private readonly Dictionary<int, Action<GuestCpu, Action>> _vectorHandlers = [];
    private readonly Dictionary<int, GuestFlag> _pendingKutDone = [];

    internal GuestKernel(HostContext host, Vm vm, GuestConfig config)
    {
        _host = host;
        Vm = vm;
        Config = config;
        _cpus = [.. vm.Vcpus.Select(v => new GuestCpu(host, this, v))];
        foreach (GuestCpu c in _cpus)
        {
            c.Vcpu.Guest = c;
        }

        _runQueues = [.. _cpus.Select(_ => new List<GuestTask>())];
        _minVruntime = new long[_cpus.Length];
        _csdQueues = [.. _cpus.Select(_ => new Queue<Csd>())];
        Tunables = CfsTunables.ForCpus(_cpus.Length);
        Apic = new GuestApic(host, this);
        if (config.HaltPoll)
        {
            EnableHaltPoll();
        }
        else if (config.CpuIdle == GuestCpuIdle.Menu && !config.IdlePoll)
        {
            foreach (GuestCpu c in _cpus)
            {
                c.Menu = new GuestMenuGovernor();
            }
        }
    }

    public Vm Vm { get; }

    /// <summary>The host this guest runs on (its clock, costs and RNG).</summary>
    public HostContext Host => _host;

    public GuestConfig Config { get; }

    public bool X2Apic => Config.X2Apic;

    public GuestApic Apic { get; }

    /// <summary>The guest scheduler's tunables (the same 5.10 defaults and scaling as the host's).</summary>
    public CfsTunables Tunables { get; }

    public IReadOnlyList<GuestCpu> Cpus => _cpus;

    public SimTime Now => _host.Sim.Now;

    public long ContextSwitches { get; private set; }

    public long Wakeups { get; private set; }

    public long ReschedIpis { get; private set; }

    private bool IsLinux => Config.Kind == GuestKernelKind.Linux;

    /// <summary>Adds a task to its CPU's run queue; it runs when that CPU next schedules.</summary>
    public void AddTask(GuestTask task)
    {
        task.State = GuestTaskState.Runnable;
        _runQueues[task.Cpu].Add(task);
    }

    /// <summary>The CPU's scheduler: run the best runnable task, else the idle loop.</summary>
    internal void Schedule(GuestCpu cpu)
    {
        if (cpu.Timers.Tick is not null && !cpu.Timers.Tick.IsArmed && !cpu.Timers.TickStopped)
        {
            // Boot: every CPU's tick starts before it schedules anything.
            cpu.Timers.StartTick(() => Schedule(cpu));
            return;
        }

        cpu.NeedResched = false;
        GuestTask? next = PickNext(cpu.Id);
        if (next is null)
        {
            cpu.CurrentTask = null;
            EnterIdle(cpu);
            return;
        }

        SwitchTo(cpu, next);
    }

    private void SwitchTo(GuestCpu cpu, GuestTask next)
    {
        _runQueues[cpu.Id].Remove(next);
        next.State = GuestTaskState.Running;
        cpu.CurrentTask = next;
        if (!IsLinux)
        {
            RunTask(cpu, next);
            return;
        }

        ContextSwitches++;
        cpu.Compute(_host.Costs.GuestContextSwitch, () =>
        {
            next.RanSince = Now;
            RunTask(cpu, next);
        });
    }

    /// <summary>pick_next_task: the highest SCHED_FIFO priority, else the smallest vruntime (ties: first queued).</summary>
    private GuestTask? PickNext(int cpu)
    {
        List<GuestTask> rq = _runQueues[cpu];
        GuestTask? best = null;
        foreach (GuestTask t in rq)
        {
            if (best is null || t.Priority > best.Priority || (t.Priority == best.Priority && t.VruntimeNs < best.VruntimeNs))
            {
                best = t;
            }
        }

        return best;
    }

    private void RunTask(GuestCpu cpu, GuestTask task)
    {
        if (task.PreemptCount == 0 && (cpu.NeedResched || SliceExpired(cpu, task)))
        {
            cpu.NeedResched = false;
            if (PickNext(cpu.Id) is { } other && Preempts(other, task))
            {
                Charge(cpu, task);
                task.State = GuestTaskState.Runnable;
                _runQueues[cpu.Id].Add(task);
                SwitchTo(cpu, other);
                return;
            }
        }

        GuestOp? next = task.Next();
        if (next is not { } op)
        {
            Charge(cpu, task);
            cpu.CurrentTask = null;
            Schedule(cpu);
            return;
        }

        // One continuation per task, made once: stepping a task allocates no closure.
        Action resume = task.Resume ??= () => RunTask(_cpus[task.Cpu], task);
        switch (op.Kind)
        {
            case GuestOpKind.Compute:
                cpu.Compute(op.Duration, resume, op.User);
                break;
            case GuestOpKind.CallFunction:
                SmpCallFunctionMany(cpu, op.Targets!, op.FunctionCost, op.Wait, resume);
                break;
            case GuestOpKind.KutOnCpu:
                KutOnCpu(cpu, op.Targets![0], resume);
                break;
            case GuestOpKind.SleepUntil:
                task.SleepTimer ??= new GuestHrtimer($"{task.Name}/nanosleep", (c, then) => Wake(c, task, then));
                cpu.Timers.Arm(task.SleepTimer, op.At, () => Block(cpu, task));
                break;
            case GuestOpKind.Wait:
                if (op.Queue!.TryTake())
                {
                    resume();
                }
                else
                {
                    op.Queue.AddWaiter(task);
                    Block(cpu, task);
                }

                break;
            case GuestOpKind.Post:
                Post(cpu, op.Queue!, resume);
                break;
            case GuestOpKind.Run:
                op.Body!(cpu, resume);
                break;
        }
    }

    /// <summary>Posts a token to a wait queue from task or interrupt context, waking its first waiter.</summary>
    public void Post(GuestCpu cpu, GuestWaitQueue q, Action then)
    {
        if (q.PostAndTakeWaiter() is { } waiter)
        {
            Wake(cpu, waiter, then);
        }
        else
        {
            then();
        }
    }

    /// <summary>The running task blocks (schedule() with TASK_INTERRUPTIBLE).</summary>
    private void Block(GuestCpu cpu, GuestTask task)
    {
        Charge(cpu, task);
        task.State = GuestTaskState.Blocked;
        cpu.CurrentTask = null;
        Schedule(cpu);
    }

    /// <summary>The running task sleeps (a sleeping lock's slow path); it resumes at its next op once woken.</summary>
    internal void BlockCurrent(GuestCpu cpu) =>
        Block(cpu, cpu.CurrentTask ?? throw new InvalidOperationException($"CPU {cpu.Id} blocks with no task."));

    /// <summary>wake_up_q: wakes each task in order from <paramref name="waker"/>, then <paramref name="then"/>.</summary>
    public void WakeAll(GuestCpu waker, IReadOnlyList<GuestTask> tasks, Action then)
    {
        int i = 0;
        void Next()
        {
            if (i == tasks.Count)
            {
                then();
                return;
            }

            Wake(waker, tasks[i++], Next);
        }

        Next();
    }

    /// <summary>
    /// try_to_wake_up from <paramref name="waker"/>: enqueue the task on its CPU with the sleeper
    /// credit, then preempt there (resched_curr: locally a flag, remotely a reschedule IPI unless
    /// that CPU's idle loop polls).
    /// </summary>
    public void Wake(GuestCpu waker, GuestTask task, Action then)
    {
        if (task.State != GuestTaskState.Blocked)
        {
            then();
            return;
        }

        Wakeups++;
        waker.Compute(_host.Costs.GuestWakeup, () =>
        {
            GuestCpu target = _cpus[task.Cpu];
            long floor = _minVruntime[task.Cpu] - (Tunables.Latency.Ns / 2);
            task.VruntimeNs = Math.Max(task.VruntimeNs, floor);
            task.State = GuestTaskState.Runnable;
            _runQueues[task.Cpu].Add(task);

            bool resched = target.CurrentTask is not { } curr || Preempts(task, curr, wakeup: true);
            if (!resched)
            {
                then();
                return;
            }

            if (target == waker || target.CurrentTask is null && target.IdlePollFlag is { IsSet: false })
            {
                // Local, or the idle loop polls TIF_NEED_RESCHED: no IPI (set_nr_if_polling).
                target.NeedResched = true;
                if (target.IdlePollFlag is { IsSet: false } f)
                {
                    f.Signal();
                }

                then();
                return;
            }

            if (target.NeedResched)
            {
                then(); // an IPI is already on its way
                return;
            }

            target.NeedResched = true;
            ReschedIpis++;
            Apic.SendIpi(waker, Vectors.Reschedule, target.Id, then);
        });
    }

    /// <summary>check_preempt_wakeup / pick order: does <paramref name="a"/> deserve the CPU over the running <paramref name="b"/>?</summary>
    private bool Preempts(GuestTask a, GuestTask b, bool wakeup = false)
    {
        if (a.Priority != b.Priority)
        {
            return a.Priority > b.Priority;
        }

        if (a.Priority > 0)
        {
            return false; // SCHED_FIFO: equal priorities do not preempt
        }

        long currVruntime = b.VruntimeNs + (Now - b.RanSince).Ns;
        long gran = wakeup ? Tunables.WakeupGranularity.Ns : 0;
        return currVruntime - a.VruntimeNs > gran;
    }

    /// <summary>check_preempt_tick, at op boundaries: the task used up its share of the period.</summary>
    private bool SliceExpired(GuestCpu cpu, GuestTask task)
    {
        int waiting = _runQueues[cpu.Id].Count;
        if (!IsLinux || waiting == 0 || task.Priority > 0)
        {
            return false;
        }

        long slice = Tunables.Period(waiting + 1).Ns / (waiting + 1);
        return (Now - task.RanSince).Ns > slice;
    }

    private void Charge(GuestCpu cpu, GuestTask task)
    {
        if (!IsLinux)
        {
            return;
        }

        task.VruntimeNs += (Now - task.RanSince).Ns;
        task.RanSince = Now;
        long min = task.VruntimeNs;
        foreach (GuestTask t in _runQueues[cpu.Id])
        {
            min = Math.Min(min, t.VruntimeNs);
        }

        _minVruntime[cpu.Id] = Math.Max(_minVruntime[cpu.Id], min);
    }

}
