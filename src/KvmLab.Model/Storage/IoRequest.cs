using KvmLab.Engine.Time;

namespace KvmLab.Model.Storage;

/// <summary>
/// One fio I/O in flight. The path marks each phase transition as the request passes it (the
/// timestamps are the simulated moments the real path reaches each point); the time since the
/// previous mark is charged to the phase that just ended, so the per-phase times always sum to
/// the latency.
/// </summary>
public sealed class IoRequest
{
    private readonly long[] _phaseNs = new long[Enum.GetValues<IoPhase>().Length];

    public IoRequest(long id, SimTime issued, int job, int queue)
    {
        Id = id;
        Issued = issued;
        LastMark = issued;
        Job = job;
        Queue = queue;
    }

    public long Id { get; }

    public SimTime Issued { get; }

    /// <summary>The fio job that issued it.</summary>
    public int Job { get; }

    /// <summary>The NVMe queue pair / virtqueue the request uses.</summary>
    public int Queue { get; }

    /// <summary>The pCPU the request was submitted to the drive from (its queue's MSI-X vector is affine to it).</summary>
    public int SubmitCpu { get; set; }

    public SimTime LastMark { get; private set; }

    public IReadOnlyList<long> PhaseNs => _phaseNs;

    /// <summary>Charges the time from the previous mark to now (<paramref name="at"/>) to <paramref name="phase"/>.</summary>
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
