namespace KvmLab.Model.Kvm.Exits;

/// <summary>Why an EXTERNAL_INTERRUPT exit happened, for its handler cost.</summary>
public enum ExternalCause
{
    /// <summary>A kick or reschedule IPI: the handler is trivial.</summary>
    Kick,

    /// <summary>The host hrtimer emulating the guest's LAPIC timer (apic_timer_fn).</summary>
    HostTimer,

    /// <summary>The host's own scheduler tick (tick_sched_timer).</summary>
    HostTick,

    /// <summary>ByteDance's passthrough timer: the guest's physical timer fired in guest mode.</summary>
    PassthroughTimer,

    /// <summary>A device's interrupt (an NVMe MSI-X, a VFIO MSI) landed on this pCPU: its host handler runs during the exit.</summary>
    DeviceInterrupt,
}
