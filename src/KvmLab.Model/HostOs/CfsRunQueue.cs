using KvmLab.Model.Hardware;

namespace KvmLab.Model.HostOs;

/// <summary>
/// One CPU's CFS run queue: the runnable threads not on the CPU, ordered by (vruntime, id) —
/// the id breaks ties so the order is total and deterministic.
/// </summary>
public sealed class CfsRunQueue(Pcpu cpu)
{
    private readonly SortedSet<HostThread> _queued = new(ByVruntime.Instance);

    public Pcpu Cpu { get; } = cpu;

    /// <summary>Monotonic floor of vruntime on this queue (cfs_rq->min_vruntime).</summary>
    public long MinVruntimeNs { get; internal set; }

    public int QueuedCount => _queued.Count;

    public HostThread? Leftmost => _queued.Count == 0 ? null : _queued.Min;

    public long QueuedWeight { get; private set; }

    internal void Enqueue(HostThread t)
    {
        if (!_queued.Add(t))
        {
            throw new InvalidOperationException($"Thread {t.Name} is already queued on CPU {Cpu.Id}.");
        }

        QueuedWeight += t.Weight;
    }

    internal void Remove(HostThread t)
    {
        if (_queued.Remove(t))
        {
            QueuedWeight -= t.Weight;
        }
    }

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
