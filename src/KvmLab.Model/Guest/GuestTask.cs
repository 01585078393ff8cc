namespace KvmLab.Model.Guest;

/// <summary>Where a guest task is in its life.</summary>
public enum GuestTaskState
{
    Runnable,
    Running,
    Blocked,
    Finished,
}

/// <summary>A guest thread whose program is a sequence of <see cref="GuestOp"/>s, bound to one vCPU.</summary>
public sealed class GuestTask(string name, int cpu, IEnumerable<GuestOp> program)
{
    private IEnumerator<GuestOp>? _steps;

    public string Name { get; } = name;

    public int Cpu { get; } = cpu;

    /// <summary>SCHED_FIFO priority (1-99); 0 is SCHED_OTHER, scheduled by CFS.</summary>
    public int Priority { get; init; }

    public GuestTaskState State { get; internal set; } = GuestTaskState.Runnable;

    public bool Finished => State == GuestTaskState.Finished;

    /// <summary>preempt_count: while above 0 (a spinlock held) the scheduler does not switch the task out.</summary>
    public int PreemptCount { get; internal set; }

    /// <summary>CFS virtual runtime (all guest tasks have nice 0).</summary>
    internal long VruntimeNs { get; set; }

    /// <summary>When the task last got the CPU.</summary>
    internal Engine.Time.SimTime RanSince { get; set; }

    /// <summary>The kernel's continuation that steps this task (cached).</summary>
    internal Action? Resume { get; set; }

    /// <summary>The hrtimer of clock_nanosleep (one per task, re-armed each sleep).</summary>
    internal GuestHrtimer? SleepTimer { get; set; }

    /// <summary>The next op, or null when the program has ended.</summary>
    internal GuestOp? Next()
    {
        _steps ??= program.GetEnumerator();
        if (_steps.MoveNext())
        {
            return _steps.Current;
        }

        State = GuestTaskState.Finished;
        _steps.Dispose();
        return null;
    }
}
