using KvmLab.Engine.Events;
using KvmLab.Engine.Time;
using KvmLab.Engine.Tracing;
using KvmLab.Model.Hardware;
using KvmLab.Model.Invariants;

namespace KvmLab.Model.HostOs;

/// <summary>
/// A per-CPU CFS-like scheduler (Linux 5.10 kernel/sched/fair.c, simplified): vruntime advances
/// by runtime x 1024 / weight; the leftmost thread runs next; a waking thread is placed at no
/// less than min_vruntime - latency/2 (place_entity with GENTLE_FAIR_SLEEPERS) and preempts the
/// current thread when their vruntime gap exceeds the weighted wakeup granularity
/// (wakeup_preempt_entity); a tick at CONFIG_HZ ends a slice that exceeded its share
/// (check_preempt_tick). yield_to and the buddies come with the overcommit work. With sched
/// domains, threads also move between CPUs: periodic, newidle and nohz idle load balancing and
/// select_task_rq_fair's wake placement (HostScheduler.Balance.cs, HostScheduler.WakePlacement.cs).
/// </summary>
public sealed partial class HostScheduler : IEventHandler
{
    private const int KindSwitchDone = 1;
    private const int KindTick = 2;
    private const int KindIlb = 4;

    private readonly Simulator _sim;
    private readonly CostProfile _costs;
    private readonly ITraceSink _trace;
    private readonly Pcpu[] _cpus;
    private readonly SimTime[] _busySince;
    private readonly bool[] _tickArmed;
    private readonly SimSpan _tickPeriod;

    private readonly Engine.Random.RngStream? _placement;
    private readonly List<HostThread> _threads = [];

    /// <param name="placement">Breaks ties between equally loaded CPUs when placing a new unpinned thread (null: lowest id).</param>
    /// <param name="tick">How the periodic tick runs (null: only while a CPU has waiters, at phase 0: nohz_full).</param>
    /// <param name="domains">The CPUs' sched domains: load balancing and select_task_rq_fair on (null: off, threads move only on wake-up to an idle CPU).</param>
    public HostScheduler(Simulator sim, CostProfile costs, IReadOnlyList<Pcpu> cpus, int hostHz, ITraceSink trace, Engine.Random.RngStream? placement = null, HostTickMode? tick = null,
        SchedDomains? domains = null)
    {
        if (domains is not null && domains.Topology.Pcpus != cpus.Count)
        {
            throw new ArgumentException($"The sched domains cover {domains.Topology.Pcpus} CPUs, the host has {cpus.Count}.", nameof(domains));
        }

        _domains = domains;
        _hostHz = hostHz;
        _tickMode = tick ?? HostTickMode.NohzFull(SimSpan.Zero);
        _placement = placement;
        _sim = sim;
        _costs = costs;
        _trace = trace;
        _cpus = [.. cpus];
        _busySince = new SimTime[_cpus.Length];
        _tickArmed = new bool[_cpus.Length];
        _tickPeriod = SimSpan.FromNanoseconds(1e9 / hostHz);
        Tunables = CfsTunables.ForCpus(_cpus.Length);
        BusyTime = new SimSpan[_cpus.Length];
        _balance = domains is null ? null : new BalanceState(_cpus.Length, Tunables.MigrationCost);
    }

    public CfsTunables Tunables { get; }

    /// <summary>Per CPU: time a thread was on it (context switches excluded).</summary>
    public SimSpan[] BusyTime { get; }

    public long ContextSwitches { get; private set; }

    /// <summary>Every thread started on this host, in start order.</summary>
    public IReadOnlyList<HostThread> Threads => _threads;

    /// <summary>Time a thread was on <paramref name="cpu"/> up to now, the open span included.</summary>
    public SimSpan BusyTimeSoFar(Pcpu cpu) =>
        BusyTime[cpu.Id] + (cpu.Current is not null ? _sim.Now - _busySince[cpu.Id] : SimSpan.Zero);

    /// <summary>The thread's runtime up to now, the open span included (update_curr without its side effects).</summary>
    public SimSpan RuntimeSoFar(HostThread t) =>
        t.TotalRuntime + (t.State == ThreadState.Running ? _sim.Now - t.RunningSince : SimSpan.Zero);

    public long Wakeups { get; private set; }

    /// <summary>Closes each busy CPU's open trace span, and each host worker's, at the end of a run.</summary>
    public void FinishTrace()
    {
        foreach (Pcpu cpu in _cpus)
        {
            if (cpu.Current is { } t && _trace.Enabled && _sim.Now > _busySince[cpu.Id])
            {
                _trace.Slice(cpu.Track, t.Name, "pcpu", _busySince[cpu.Id], _sim.Now - _busySince[cpu.Id]);
            }
        }

        foreach (HostThread t in _threads)
        {
            (t as HostWorker)?.FinishTrace();
        }
    }

    /// <summary>Puts a new thread on a CPU's queue at start (sched_fork: vruntime = min_vruntime).</summary>
    public void Start(HostThread t)
    {
        // sched_fork/wake_up_new_task: a new unpinned thread goes to the least loaded CPU
        // (find_idlest_cpu); which of several equally loaded CPUs depends on the domain walk,
        // modeled as a uniform choice.
        Pcpu cpu = t.PinnedCpu is int pin ? _cpus[pin] : _domains is { } d && d.Levels[0].Count > 1 ? FindIdlestCpu() : LeastLoaded();
        StartOn(t, cpu);
    }

    /// <summary>Start on a given CPU (a thread forked there that no balance has moved yet); for tests of the balancer.</summary>
    internal void StartOn(HostThread t, Pcpu cpu)
    {
        _threads.Add(t);
        t.Cpu = cpu;
        t.VruntimeNs = cpu.RunQueue.MinVruntimeNs;
        MakeRunnable(t, cpu, fromIdleCost: SimSpan.Zero);
    }

    /// <summary>
    /// try_to_wake_up: a sleeping thread becomes runnable. <paramref name="wakerCpu"/> is the CPU
    /// the waker runs on (select_task_rq_fair's this_cpu, for wake_affine); null for a wake-up
    /// from an interrupt or timer, which Linux takes on the thread's previous CPU.
    /// </summary>
    public void Wake(HostThread t, int? wakerCpu = null)
    {
        if (t.State != ThreadState.Sleeping)
        {
            return;
        }

        Wakeups++;
        Pcpu cpu = _balance is null ? ChooseCpu(t) : SelectTaskRqFair(t, wakerCpu);
        if (t.Cpu is { } prev && prev != cpu)
        {
            CountMigration(t);
        }

        t.Cpu = cpu;
        UpdateAvgIdle(cpu);

        // enqueue_entity runs update_curr before place_entity, so min_vruntime includes the
        // current thread's runtime so far; place_entity for a waking task: sleeps up to half a
        // latency period keep their credit.
        if (cpu.Current is { } running)
        {
            UpdateCurr(running);
        }

        long floor = cpu.RunQueue.MinVruntimeNs - (Tunables.Latency.Ns / 2);
        t.VruntimeNs = Math.Max(t.VruntimeNs, floor);

        // The wakeup IPI, the idle-state exit if the CPU sleeps, and ttwu + schedule() there.
        SimSpan cost = cpu.IsIdle
            ? _costs.PhysicalIpiLatency + _costs.IdleExitLatency + _costs.ThreadWakeup
            : _costs.ThreadWakeup;
        MakeRunnable(t, cpu, cost);
    }

    /// <summary>The running thread goes to sleep (schedule() with TASK_INTERRUPTIBLE).</summary>
    public void Block(HostThread t)
    {
        Pcpu cpu = RequireRunning(t);
        Deschedule(t, cpu);
        cpu.RunQueue.ClearBuddies(t); // dequeue_entity -> clear_buddies
        t.State = ThreadState.Sleeping;
        CancelPush(cpu, t);
        t.OnDescheduled(stillRunnable: false);
        PickNext(cpu);
    }

    /// <summary>The running thread reached a preemption point with NeedResched set.</summary>
    /// <summary>
    /// The running thread reached a preemption point with NeedResched set: schedule() puts it back
    /// and picks (pick_next_entity). Returns false, and the thread keeps its CPU with no context
    /// switch, when the pick is the thread itself.
    /// </summary>
    public bool Preempt(HostThread t)
    {
        Pcpu cpu = RequireRunning(t);
        t.NeedResched = false;
        return SwitchAway(t, cpu);
    }

    /// <summary>__schedule for a runnable current thread: put_prev_entity, pick_next_entity, switch only to another thread.</summary>
    private bool SwitchAway(HostThread t, Pcpu cpu)
    {
        UpdateCurr(t);
        if (TryPush(t, cpu))
        {
            return true;
        }

        if (cpu.RunQueue.QueuedCount == 0)
        {
            return false;
        }

        cpu.RunQueue.Enqueue(t);
        HostThread? pick = cpu.RunQueue.PickNextEntity(Tunables.WakeupGranularity.Ns);
        cpu.RunQueue.Remove(t);
        if (pick == t || pick is null)
        {
            return false;
        }

        Deschedule(t, cpu);
        t.State = ThreadState.Runnable;
        cpu.RunQueue.Enqueue(t);
        cpu.ChosenNext = pick;
        t.OnDescheduled(stillRunnable: true);
        BeginSwitch(cpu, _costs.ContextSwitch);
        return true;
    }

    /// <summary>True when another thread waits for this thread's CPU (single_task_running() is false).</summary>
    public static bool HasWaiters(HostThread t) => t.Cpu is { } cpu && cpu.RunQueue.QueuedCount > 0;

    void IEventHandler.OnEvent(int kind, long arg)
    {
        Pcpu cpu = _cpus[(int)arg];
        switch (kind)
        {
            case KindSwitchDone:
                FinishSwitch(cpu);
                break;
            case KindTick:
                Tick(cpu);
                break;
            case KindIrqDone:
                InterruptDone(cpu);
                break;
            case KindIlb:
                NohzIdleBalance(cpu);
                break;
            default:
                throw new InvalidOperationException($"Unknown scheduler event {kind}.");
        }
    }

    private void MakeRunnable(HostThread t, Pcpu cpu, SimSpan fromIdleCost)
    {
        t.State = ThreadState.Runnable;
        t.ListStamp = ++_listStamp;
        cpu.RunQueue.Enqueue(t);
        if (cpu.IsIdle)
        {
            BeginSwitch(cpu, fromIdleCost);
        }
        else if (cpu.Current is { } curr && ShouldPreemptOnWakeup(curr, t))
        {
            // check_preempt_wakeup: resched_curr and, with LAST_BUDDY, remember the preempted task.
            cpu.RunQueue.Last = curr;
            RequestResched(curr);
        }
        else
        {
            ArmTick(cpu);
        }
    }

    /// <summary>wakeup_preempt_entity: preempt if curr is ahead by more than the weighted granularity.</summary>
    private bool ShouldPreemptOnWakeup(HostThread curr, HostThread woken)
    {
        UpdateCurr(curr);
        long gran = Tunables.WakeupGranularity.Ns * 1024 / woken.Weight;
        return curr.VruntimeNs - woken.VruntimeNs > gran;
    }

    private void RequestResched(HostThread curr)
    {
        if (!curr.NeedResched)
        {
            curr.NeedResched = true;
            curr.OnReschedRequested(_sim.Now);
        }
    }

    private void Deschedule(HostThread t, Pcpu cpu)
    {
        UpdateCurr(t);
        BusyTime[cpu.Id] += _sim.Now - _busySince[cpu.Id];
        if (_trace.Enabled)
        {
            _trace.Slice(cpu.Track, t.Name, "pcpu", _busySince[cpu.Id], _sim.Now - _busySince[cpu.Id]);
        }

        t.NeedResched = false;
        cpu.Current = null;
        cpu.Ledger.Enter((int)PcpuTime.Idle, _sim.Now);
    }

    private void PickNext(Pcpu cpu)
    {
        if (cpu.RunQueue.QueuedCount > 0)
        {
            BeginSwitch(cpu, _costs.ContextSwitch);
        }
        else
        {
            GoIdle(cpu);
        }
    }

    private void BeginSwitch(Pcpu cpu, SimSpan cost)
    {
        cpu.Switching = true;
        cpu.Ledger.Enter((int)PcpuTime.Switching, _sim.Now);
        ContextSwitches++;
        _sim.ScheduleAfter(cost, this, KindSwitchDone, cpu.Id);
    }

    private void FinishSwitch(Pcpu cpu)
    {
        cpu.Switching = false;
        // A pick made when the switch began (SwitchAway) stands if that thread is still queued here.
        HostThread? next = cpu.ChosenNext is { State: ThreadState.Runnable } chosen && chosen.Cpu == cpu
            ? chosen
            : cpu.RunQueue.PickNextEntity(Tunables.WakeupGranularity.Ns);
        cpu.ChosenNext = null;
        if (next is null)
        {
            cpu.Ledger.Enter((int)PcpuTime.Idle, _sim.Now);
            GoIdle(cpu);
            return;
        }

        if (MigrationCostOnSchedIn(next, cpu) is { Ns: > 0 } refill)
        {
            // The switch-in onto a CPU the thread did not last run on takes longer by the cache
            // refill and the thread's own state (a vCPU's VMCS): the CPU stays switching, and the
            // pick stands if the thread is still queued here when it ends.
            cpu.Switching = true;
            cpu.ChosenNext = next;
            next.LastRanCpu = cpu;
            _sim.ScheduleAfter(refill, this, KindSwitchDone, cpu.Id);
            return;
        }

        cpu.RunQueue.Remove(next);
        next.LastRanCpu = cpu;
        next.ListStamp = ++_listStamp;
        next.State = ThreadState.Running;
        next.Cpu = cpu;
        next.RunningSince = _sim.Now;
        _busySince[cpu.Id] = _sim.Now;
        cpu.Current = next;
        cpu.Ledger.Enter((int)PcpuTime.Running, _sim.Now);
        cpu.RunQueue.UpdateMinVruntime(next);
        ArmTick(cpu);
        next.OnScheduledIn(_sim.Now);
    }

    /// <summary>update_curr: charge the running thread's weighted runtime to its vruntime.</summary>
    private void UpdateCurr(HostThread t)
    {
        SimSpan ran = _sim.Now - t.RunningSince;
        if (ran.Ns <= 0)
        {
            return;
        }

        t.TotalRuntime += ran;
        t.VruntimeNs += ran.Ns * 1024 / t.Weight;
        t.RunningSince = _sim.Now;
        t.Cpu?.RunQueue.UpdateMinVruntime(t);
    }

    private static Pcpu RequireRunning(HostThread t)
    {
        if (t.State != ThreadState.Running || t.Cpu is null || t.Cpu.Current != t)
        {
            throw new InvalidOperationException($"Thread {t.Name} is not running.");
        }

        return t.Cpu;
    }
}
