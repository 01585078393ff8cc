namespace KvmLab.Model.Kvm.Exits;

/// <summary>What an exit handler does when its cost has been paid (a closed set: the vCPU's switch over it is exhaustive).</summary>
public enum ExitEffect
{
    /// <summary>Nothing beyond its start effects: return to the guest.</summary>
    None,

    /// <summary>kvm_apic_send_ipi: deliver the ICR write's IPI.</summary>
    SendIpi,

    /// <summary>kvm_lapic_expired_hv_timer: the preemption timer's expiry becomes the guest's timer interrupt.</summary>
    ExpireHvTimer,

    /// <summary>kvm_pv_send_ipi: kvm_apic_set_irq for each destination in the bitmap.</summary>
    DeliverPvIpis,

    /// <summary>AVIC_IPI_FAILURE_TARGET_NOT_RUNNING: kvm_vcpu_wake_up each matching target that is not running.</summary>
    WakeAvicTargets,

    /// <summary>kvm_emulate_halt: vcpu_block (halt polling, then sleep).</summary>
    Halt,

    /// <summary>ioeventfd_write: eventfd_signal on the ioeventfd that matched the address (its watcher wakes).</summary>
    SignalIoeventfd,

    /// <summary>ioeventfd_write on KVM_PIO_BUS: eventfd_signal on the PIO ioeventfd that matched the port.</summary>
    SignalPioIoeventfd,
}
