using KvmLab.Engine.Time;

namespace KvmLab.Model.Kvm;

/// <summary>What one vCPU did: exits by reason, fastpath use, halt polling, time in guest.</summary>
public sealed class VcpuStats
{
    private readonly long[] _exits = new long[Enum.GetValues<ExitReason>().Length];

    private readonly long[] _exitNs = new long[Enum.GetValues<ExitReason>().Length];

    public long ExitCount(ExitReason r) => _exits[(int)r];

    /// <summary>Total host time of the exits of reason <paramref name="r"/> that re-entered the guest (kvm_exit to kvm_entry).</summary>
    public long ExitTimeNs(ExitReason r) => _exitNs[(int)r];

    /// <summary>Exits of reason <paramref name="r"/> whose time is in <see cref="ExitTimeNs"/> (an exit still open at the end is not).</summary>
    public long TimedExits(ExitReason r) => _timed[(int)r];

    private readonly long[] _timed = new long[Enum.GetValues<ExitReason>().Length];

    internal void AddExitTime(ExitReason r, long ns)
    {
        _exitNs[(int)r] += ns;
        _timed[(int)r]++;
    }

    public long TotalExits => _exits.Sum();

    public long FastpathExits { get; internal set; }

    public long HaltPollAttempts { get; internal set; }

    public long HaltPollSuccesses { get; internal set; }

    public long HaltSleeps { get; internal set; }

    public SimSpan PollTime { get; internal set; }

    public SimSpan GuestTime { get; internal set; }

    public SimSpan HostTime { get; internal set; }

    public long InterruptsDelivered { get; internal set; }

    internal void CountExit(ExitReason r) => _exits[(int)r]++;
}
