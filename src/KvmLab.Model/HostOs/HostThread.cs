using KvmLab.Engine.Time;
using KvmLab.Model.Hardware;

namespace KvmLab.Model.HostOs;

/// <summary>
/// A host task under the CFS-like scheduler: a vCPU thread, a QEMU thread, a CPU hog.
/// Subclasses say what they do when they get the CPU and when they lose it.
/// </summary>
public abstract class HostThread
{
    protected HostThread(string name, int id)
    {
        Name = name;
        Id = id;
    }

    public string Name { get; }

    /// <summary>A stable id: the tie-break in run-queue order, so order never depends on hashing.</summary>
    public int Id { get; }

    /// <summary>CFS load weight; 1024 is nice 0 (sched_prio_to_weight[20]).</summary>
    public int Weight { get; init; } = 1024;

    public ThreadState State { get; internal set; } = ThreadState.Sleeping;

    /// <summary>The CPU the thread runs on, last ran on, or is queued on.</summary>
    public Pcpu? Cpu { get; internal set; }

    /// <summary>If set, the only CPU the thread may run on (taskset / vCPU pinning).</summary>
    public int? PinnedCpu { get; init; }

    public long VruntimeNs { get; internal set; }

    public SimTime RunningSince { get; internal set; }

    public SimSpan TotalRuntime { get; internal set; }

    /// <summary>Set by the scheduler when it wants the thread off its CPU at the next preemption point.</summary>
    public bool NeedResched { get; internal set; }

    /// <summary>se.nr_migrations: times the thread was moved to another CPU (wake-up placement and load balancing).</summary>
    public long Migrations { get; internal set; }

    /// <summary>The CPU the thread last ran on (null before it first ran): a sched-in elsewhere pays the migration cost.</summary>
    internal Pcpu? LastRanCpu { get; set; }

    /// <summary>p->recent_used_cpu: where this thread was when it last woke another affinely (select_idle_sibling's third candidate).</summary>
    internal int? RecentUsedCpu { get; set; }

    /// <summary>
    /// Position in the run queue's cfs_tasks list: enqueue and pick put a task at the head
    /// (account_entity_enqueue, pick_next_task_fair's list_move), so detach_tasks, which takes from
    /// the tail, tries the one with the smallest stamp first.
    /// </summary>
    internal long ListStamp { get; set; }

    /// <summary>The thread now has its CPU (context switch done).</summary>
    protected internal abstract void OnScheduledIn(SimTime now);

    /// <summary>The scheduler asks the running thread to reach a preemption point soon.</summary>
    protected internal abstract void OnReschedRequested(SimTime now);

    /// <summary>The host tick's interrupt arrived while this thread ran (its handler's time is the thread's to lose).</summary>
    protected internal virtual void OnHostTick()
    {
    }

    /// <summary>
    /// A device interrupt's handler runs on this thread's CPU for <paramref name="handler"/> while the
    /// thread has it: the thread loses that time (Linux without IRQ time accounting charges it to the
    /// current task). Threads whose progress is not modeled by time (a CPU hog) ignore it.
    /// </summary>
    protected internal virtual void OnHostInterrupt(SimSpan handler)
    {
    }

    /// <summary>
    /// The thread is about to run on <paramref name="to"/> after last running on <paramref name="from"/>
    /// (set_task_cpu moved it; this is the first sched-in there). Returns the extra time the switch-in
    /// takes for the thread's own state (a vCPU: vmx_vcpu_load's VMCS migration); the scheduler adds
    /// the cache refill itself.
    /// </summary>
    protected internal virtual SimSpan OnMigrated(Pcpu from, Pcpu to) => SimSpan.Zero;

    /// <summary>The thread left its CPU (kvm_sched_out): still runnable (preempted or yielded) or going to sleep.</summary>
    protected internal virtual void OnDescheduled(bool stillRunnable)
    {
    }
}
