namespace KvmLab.Model.Kvm;

/// <summary>Directed-yield accounting for one VM: PLE handling, yield_to outcomes, candidates skipped per filter.</summary>
public sealed class YieldStats
{
    private readonly long[] _skipped = new long[Enum.GetValues<SpinSkip>().Length];

    /// <summary>kvm_vcpu_on_spin calls (one per PLE exit).</summary>
    public long OnSpinCalls { get; internal set; }

    /// <summary>kvm_sched_yield calls (KVM_HC_SCHED_YIELD and the queue-head boost of KVM_HC_KICK_CPU).</summary>
    public long SchedYieldCalls { get; internal set; }

    /// <summary>yield_to calls (directed-yield attempts).</summary>
    public long YieldAttempts { get; internal set; }

    /// <summary>yield_to calls that returned &gt; 0.</summary>
    public long YieldSuccesses { get; internal set; }

    public long Skipped(SpinSkip why) => _skipped[(int)why];

    internal void Skip(SpinSkip why) => _skipped[(int)why]++;
}
