using KvmLab.Engine.Time;

namespace KvmLab.Model.Storage;

/// <summary>
/// One fio I/O in flight. The path marks each phase transition; the time since the previous mark
/// is charged to the phase that just ended, so the per-phase times always sum to the latency.
/// </summary>
public sealed class IoRequest
{
    private readonly long[] _phaseNs = new long[Enum.GetValues<IoPhase>().Length];

    public IoRequest(long id, SimTime issued, int queue)
    {
        Id = id;
        Issued = issued;
        LastMark = issued;
        Queue = queue;
    }

    public long Id { get; }

    public SimTime Issued { get; }

    /// <summary>The NVMe queue pair / virtqueue the request uses.</summary>
    public int Queue { get; }

    public SimTime LastMark { get; private set; }

    public IReadOnlyList<long> PhaseNs => _phaseNs;

    /// <summary>Charges the time from the previous mark to <paramref name="at"/> to <paramref name="phase"/>.</summary>
    public void Mark(IoPhase phase, SimTime at)
    {
        if (at < LastMark)
        {
            throw new InvalidOperationException($"Request {Id}: mark {phase} at {at} before the previous mark {LastMark}.");
        }

        _phaseNs[(int)phase] += (at - LastMark).Ns;
        LastMark = at;
    }
}
