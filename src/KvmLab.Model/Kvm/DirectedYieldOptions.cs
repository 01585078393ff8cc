namespace KvmLab.Model.Kvm;

/// <summary>
/// Which boosting rules KVM applies when a vCPU spins (each a separately selectable change from a
/// named source; all off is the upstream behaviour before them).
/// </summary>
public sealed record DirectedYieldOptions
{
    /// <summary>Li 2020 / commit d73eb57b80b9: kvm_vcpu_wake_up marks the woken vCPU ready, so a vCPU being sent an interrupt is a candidate.</summary>
    public bool ReadyOnWakeup { get; init; }

    /// <summary>Li 2020: KVM_HC_KICK_CPU (the pv-qspinlock unlocker kicking the queue head) yields to the kicked vCPU.</summary>
    public bool QueueHeadBoost { get; init; }

    /// <summary>Li 2020: the guest, after sending call-function IPIs, yields to a preempted target by KVM_HC_SCHED_YIELD.</summary>
    public bool PvSchedYield { get; init; }

    /// <summary>Linux 5.13 (Li): a candidate preempted in user mode is still eligible if it has an interrupt pending.</summary>
    public bool UserModePendingInterrupt { get; init; }

    /// <summary>Ishiguro 2021 patch 1: deboost the yielder so CFS honours the next buddy on a shared run queue.</summary>
    public bool DeboostYielder { get; init; }

    /// <summary>Ishiguro 2021 patch 2: use the IPI senders seen while a candidate was scheduled out against overboost and lost opportunity.</summary>
    public bool IpiSenderAware { get; init; }
}
