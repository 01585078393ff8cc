namespace KvmLab.Model.Invariants;

/// <summary>The states a vCPU's elapsed time divides into (issue 11: they must sum to the elapsed time).</summary>
public enum VcpuTime
{
    /// <summary>Before the first KVM_RUN reached a pCPU (start jitter, first wait in the run queue).</summary>
    NotStarted,

    /// <summary>Executing guest code.</summary>
    Guest,

    /// <summary>On its pCPU in the host: exit handling, the run loop, entry.</summary>
    ExitHandling,

    /// <summary>Halted, polling in kvm_vcpu_block on its pCPU.</summary>
    Polling,

    /// <summary>Halted and asleep, off the CPU.</summary>
    Halted,

    /// <summary>Woken from a halt, waiting in the run queue for its pCPU.</summary>
    Runnable,

    /// <summary>Preempted or yielded: runnable, off the CPU.</summary>
    Preempted,
}
