using KvmLab.Model.Hardware;

namespace KvmLab.Model.HostOs;

/// <summary>
/// One CPU's CFS run queue: the runnable threads not on the CPU, ordered by (vruntime, id) —
/// the id breaks ties so the order is total and deterministic. A run queue holds a handful of
/// threads, so a sorted list (binary search, no allocation per enqueue) beats a tree.
/// </summary>
public sealed class CfsRunQueue(Pcpu cpu)
{
    private readonly List<HostThread> _queued = new(4);

    public Pcpu Cpu { get; } = cpu;

    /// <summary>Monotonic floor of vruntime on this queue (cfs_rq->min_vruntime).</summary>
    public long MinVruntimeNs { get; internal set; }

    public int QueuedCount => _queued.Count;

    public HostThread? Leftmost => _queued.Count == 0 ? null : _queued[0];

    /// <summary>The queued threads in (vruntime, id) order.</summary>
    internal IReadOnlyList<HostThread> Queued => _queued;

    public long QueuedWeight { get; private set; }

    /// <summary>cfs_rq->next: "someone really wants this to run" (set_next_buddy, by yield_to).</summary>
    public HostThread? Next { get; internal set; }

    /// <summary>cfs_rq->last: the task a wakeup preempted, to return the CPU to (LAST_BUDDY).</summary>
    public HostThread? Last { get; internal set; }

    /// <summary>cfs_rq->skip: the task that yielded (set_skip_buddy).</summary>
    public HostThread? Skip { get; internal set; }

    /// <summary>rq->nr_running: queued threads plus the one on the CPU.</summary>
    public int NrRunning => _queued.Count + (Cpu.Current is null ? 0 : 1);

    internal void Enqueue(HostThread t)
    {
        int at = _queued.BinarySearch(t, ByVruntime.Instance);
        if (at >= 0)
        {
            throw new InvalidOperationException($"Thread {t.Name} is already queued on CPU {Cpu.Id}.");
        }

        _queued.Insert(~at, t);
        QueuedWeight += t.Weight;
    }

    internal void Remove(HostThread t)
    {
        int at = _queued.IndexOf(t);
        if (at >= 0)
        {
            _queued.RemoveAt(at);
            QueuedWeight -= t.Weight;
        }
    }

    private bool IsQueued(HostThread t) => _queued.IndexOf(t) >= 0;

    /// <summary>clear_buddies: forget <paramref name="t"/> as next, last or skip buddy.</summary>
    internal void ClearBuddies(HostThread t)
    {
        if (Next == t)
        {
            Next = null;
        }

        if (Last == t)
        {
            Last = null;
        }

        if (Skip == t)
        {
            Skip = null;
        }
    }

    /// <summary>
    /// pick_next_entity (kernel/sched/fair.c, v5.6) with curr already put back in the tree:
    /// the leftmost, unless it is the skip buddy and the second is not too unfair; then the last
    /// buddy, then the next buddy, each only if wakeup_preempt_entity(buddy, left) &lt; 1 (its
    /// vruntime within the wakeup granularity of the leftmost's). The chosen one's buddy marks
    /// are cleared.
    /// </summary>
    internal HostThread? PickNextEntity(long wakeupGranularityNs)
    {
        HostThread? left = Leftmost;
        if (left is null)
        {
            return null;
        }

        HostThread se = left;
        if (Skip == se)
        {
            HostThread? second = Second();
            if (second is not null && WakeupPreemptEntity(second, left, wakeupGranularityNs) < 1)
            {
                se = second;
            }
        }

        if (Last is { } last && IsQueued(last) && WakeupPreemptEntity(last, left, wakeupGranularityNs) < 1)
        {
            se = last;
        }

        if (Next is { } next && IsQueued(next) && WakeupPreemptEntity(next, left, wakeupGranularityNs) < 1)
        {
            se = next;
        }

        ClearBuddies(se);
        return se;
    }

    /// <summary>
    /// wakeup_preempt_entity(curr, se): -1 if curr's vruntime is not above se's, 1 if it is
    /// more than se's weighted wakeup granularity above, else 0.
    /// </summary>
    public static int WakeupPreemptEntity(HostThread curr, HostThread se, long wakeupGranularityNs)
    {
        long vdiff = curr.VruntimeNs - se.VruntimeNs;
        if (vdiff <= 0)
        {
            return -1;
        }

        long gran = wakeupGranularityNs * 1024 / se.Weight;
        return vdiff > gran ? 1 : 0;
    }

    private HostThread? Second() => _queued.Count > 1 ? _queued[1] : null;

    /// <summary>update_min_vruntime: the floor follows the smallest of current and leftmost, never back.</summary>
    internal void UpdateMinVruntime(HostThread? current)
    {
        long candidate = long.MaxValue;
        if (current is not null)
        {
            candidate = current.VruntimeNs;
        }

        if (Leftmost is { } left)
        {
            candidate = Math.Min(candidate, left.VruntimeNs);
        }

        if (candidate != long.MaxValue)
        {
            MinVruntimeNs = Math.Max(MinVruntimeNs, candidate);
        }
    }

    private sealed class ByVruntime : IComparer<HostThread>
    {
        public static readonly ByVruntime Instance = new();

        public int Compare(HostThread? x, HostThread? y)
        {
            if (ReferenceEquals(x, y))
            {
                return 0;
            }

            int c = x!.VruntimeNs.CompareTo(y!.VruntimeNs);
            return c != 0 ? c : x.Id.CompareTo(y.Id);
        }
    }
}
