namespace KvmLab.Model.Kvm;

/// <summary>Why kvm_vcpu_on_spin passed over a candidate (virt/kvm/kvm_main.c, v5.6-5.13; Ishiguro 2021).</summary>
public enum SpinSkip
{
    /// <summary>!vcpu->ready: neither preempted nor (with ReadyOnWakeup) woken since it last ran.</summary>
    NotReady,

    /// <summary>The spinning vCPU itself.</summary>
    Self,

    /// <summary>Halted and asleep with nothing pending (rcuwait_active and !vcpu_dy_runnable).</summary>
    BlockedNothingPending,

    /// <summary>Preempted in user mode: it cannot hold a kernel lock (yield_to_kernel_mode).</summary>
    PreemptedInUserMode,

    /// <summary>Itself in a spin loop and not yet eligible (the dy_eligible toggle).</summary>
    NotEligible,

    /// <summary>Ishiguro 2021: halted or sleeping and the spinner is not among its IPI senders (overboost).</summary>
    NotAnIpiSender,
}
