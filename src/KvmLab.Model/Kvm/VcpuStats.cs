using KvmLab.Engine.Time;

namespace KvmLab.Model.Kvm;

/// <summary>What one vCPU did: exits by reason, fastpath use, halt polling, time in guest.</summary>
public sealed class VcpuStats
{
    private readonly long[] _exits = new long[Enum.GetValues<ExitReason>().Length];

    public long ExitCount(ExitReason r) => _exits[(int)r];

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
