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
public sealed class GuestKernel
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

    /// <summary>Installs the handler body for a vector; it must call the continuation when done.</summary>
    public void SetVectorHandler(int vector, Action<GuestCpu, Action> body) => _vectorHandlers[vector] = body;

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

    /// <summary>
    /// smp_call_function_single / smp_call_function_many: queue a csd on every target (IPI only
    /// a target whose queue was empty), then with wait=1 spin until every function has run.
    /// </summary>
    public void SmpCallFunctionMany(GuestCpu cpu, int[] targets, SimSpan functionCost, bool wait, Action then)
    {
        // One call in flight per CPU (it runs with preemption off and never from an interrupt
        // handler), so each CPU reuses one state object and its delegates. The done flag is new
        // per call: targets may still hold a csd of a call that did not wait.
        CallFunctionCall call = cpu.CallState ??= new CallFunctionCall(this, cpu);
        call.Begin(targets, functionCost, wait, then);
    }

    /// <summary>The steps of one smp_call_function_* on one CPU, with their continuations made once.</summary>
    internal sealed class CallFunctionCall
    {
        private readonly GuestKernel _k;
        private readonly GuestCpu _cpu;
        private readonly List<int> _toIpi = [];
        private readonly Action _queued;
        private readonly Action _sent;
        private readonly Action _waitDone;
        private readonly Action _spin;
        private int[] _targets = [];
        private SimSpan _cost;
        private bool _wait;
        private Action? _then;
        private GuestFlag _done = new();

        public CallFunctionCall(GuestKernel k, GuestCpu cpu)
        {
            _k = k;
            _cpu = cpu;
            _queued = Queued;
            _spin = () => _cpu.SpinUntil(_done, Finish);
            _waitDone = () =>
            {
                if (_wait)
                {
                    _spin();
                }
                else
                {
                    Finish();
                }
            };
            Action waitDone = _waitDone;
            _sent = () => _k.PvSchedYield(_cpu, _targets, waitDone);
        }

        public void Begin(int[] targets, SimSpan cost, bool wait, Action then)
        {
            _targets = targets;
            _cost = cost;
            _wait = wait;
            _then = then;
            _done = new GuestFlag();
            _done.Arm(targets.Length);
            _toIpi.Clear();

            // The csd_lock/fill/llist_add loop over the mask, charged as one stretch of guest time
            // (the queues are updated when it ends: the targets see the csds after it anyway).
            _cpu.Compute(_k._host.Costs.GuestCsdQueue * targets.Length, _queued);
        }

        private void Queued()
        {
            foreach (int t in _targets)
            {
                Queue<Csd> q = _k._csdQueues[t];
                if (q.Count == 0)
                {
                    _toIpi.Add(t);
                }

                q.Enqueue(new Csd(_cost, _done));
            }

            if (_toIpi.Count == 0)
            {
                _waitDone();
            }
            else if (_targets.Length == 1)
            {
                _k.Apic.SendIpi(_cpu, Vectors.CallFunctionSingle, _toIpi[0], _waitDone);
            }
            else
            {
                _k.Apic.SendIpiMany(_cpu, Vectors.CallFunction, [.. _toIpi], _sent);
            }
        }

        private void Finish()
        {
            Action then = _then!;
            _then = null;
            then();
        }
    }

    /// <summary>
    /// kvm_smp_send_call_func_ipi (arch/x86/kernel/kvm.c, with KVM_FEATURE_PV_SCHED_YIELD): after
    /// the IPIs, yield by KVM_HC_SCHED_YIELD to the first target whose steal-time preempted flag
    /// is set (vcpu_is_preempted).
    /// </summary>
    internal void PvSchedYield(GuestCpu cpu, int[] targets, Action then)
    {
        if (Vm.Config.DirectedYield.PvSchedYield)
        {
            foreach (int t in targets)
            {
                if (Vm.Vcpus[t].Preempted)
                {
                    cpu.ExitingInstruction(ExitReason.Hypercall, 0, default, then, Hypercall.SchedYield, [t]);
                    return;
                }
            }
        }

        then();
    }

    /// <summary>kvm-unit-tests on_cpu(target, nop, 0): one fixed physical IPI, spin on ipi_done.</summary>
    private void KutOnCpu(GuestCpu cpu, int target, Action then)
    {
        var ipiDone = new GuestFlag();
        ipiDone.Arm(1);
        _pendingKutDone[target] = ipiDone;
        Apic.SendIpi(cpu, Vectors.KutIpi, target, () => cpu.SpinUntil(ipiDone, then));
    }

    /// <summary>The flag the kvm-unit-tests handler on <paramref name="cpu"/> sets (ipi_done).</summary>
    public GuestFlag? TakeKutDoneFlag(int cpu) => _pendingKutDone.Remove(cpu, out GuestFlag? f) ? f : null;

    /// <summary>apic->send_IPI for one target (see <see cref="GuestApic.SendIpi"/>).</summary>
    public void SendIpi(GuestCpu cpu, byte vector, int target, Action then) => Apic.SendIpi(cpu, vector, target, then);

    /// <summary>EOI (see <see cref="GuestApic.Eoi"/>).</summary>
    public void Eoi(GuestCpu cpu, Action then) => Apic.Eoi(cpu, then);

    /// <summary>Interrupt entry: the vector's handler, EOI, IRET.</summary>
    internal void HandleInterrupt(GuestCpu cpu, int vector)
    {
        SimSpan half = new(_host.Costs.GuestInterruptEntryExit.Ns / 2);
        Action iret = cpu.Iret ??= () => cpu.Compute(half, cpu.ReturnFromInterruptAction);
        if (vector is Vectors.CallFunction or Vectors.CallFunctionSingle && (Vm.Config.ApicV || Vm.Config.Avic))
        {
            // With the EOI virtualized nothing in entry, ack and flush waits on anything else: the
            // entry, the flush overhead and the queued functions are one stretch of guest time,
            // and each csd is unlocked at its end (the same instant for the usual single csd).
            Queue<Csd> q = _csdQueues[cpu.Id];
            SimSpan work = half + _host.Costs.GuestCsdFlush;
            foreach (Csd c in q)
            {
                work += c.FunctionCost;
            }

            int count = q.Count;
            cpu.Compute(work, () =>
            {
                for (int i = 0; i < count && q.Count > 0; i++)
                {
                    q.Dequeue().Done.Signal();
                }

                // csds queued while the handler ran are flushed the usual way.
                FlushCsds(cpu, iret);
            });
            return;
        }

        cpu.Compute(half, () =>
        {
            switch (vector)
            {
                case Vectors.CallFunctionSingle:
                case Vectors.CallFunction:
                    // sysvec_call_function(_single): ack_APIC_irq first, then flush the queue.
                    Eoi(cpu, () => cpu.Compute(_host.Costs.GuestCsdFlush, () => FlushCsds(cpu, iret)));
                    break;
                case Vectors.LocalTimer:
                    // sysvec_apic_timer_interrupt: ack_APIC_irq, then hrtimer_interrupt.
                    Eoi(cpu, () => cpu.Timers.OnInterrupt(iret));
                    break;
                case Vectors.Reschedule:
                    // sysvec_reschedule_ipi: ack, scheduler_ipi; the reschedule happens on return.
                    Eoi(cpu, () =>
                    {
                        cpu.NeedResched = true;
                        iret();
                    });
                    break;
                default:
                    if (_vectorHandlers.TryGetValue(vector, out Action<GuestCpu, Action>? body))
                    {
                        body(cpu, iret);
                    }
                    else
                    {
                        Eoi(cpu, iret);
                    }

                    break;
            }
        });
    }

    /// <summary>flush_smp_call_function_queue: run each queued function, then csd_unlock it.</summary>
    private void FlushCsds(GuestCpu cpu, Action then)
    {
        Queue<Csd> q = _csdQueues[cpu.Id];
        if (q.Count == 0)
        {
            then();
            return;
        }

        Csd csd = q.Dequeue();
        cpu.Compute(csd.FunctionCost, () =>
        {
            csd.Done.Signal();
            FlushCsds(cpu, then);
        });
    }

    private readonly record struct Csd(SimSpan FunctionCost, GuestFlag Done);
}
