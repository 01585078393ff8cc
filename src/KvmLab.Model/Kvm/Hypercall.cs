namespace KvmLab.Model.Kvm;

/// <summary>KVM hypercall numbers (include/uapi/linux/kvm_para.h).</summary>
public static class Hypercall
{
    /// <summary>KVM_HC_KICK_CPU: wake a vCPU halted in pv_wait (pv qspinlock unlock).</summary>
    public const long KickCpu = 5;

    /// <summary>KVM_HC_SEND_IPI: a bitmap of destinations (commit 4180bf1b655a).</summary>
    public const long SendIpi = 10;

    /// <summary>KVM_HC_SCHED_YIELD: yield to a preempted vCPU (Li 2019, commit 71506297e1c0... see docs/MODEL.md).</summary>
    public const long SchedYield = 11;
}
