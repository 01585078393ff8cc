namespace KvmLab.Model.Kvm;

/// <summary>What currently stands behind a vCPU's armed TSC-deadline timer.</summary>
public enum LapicTimerMode
{
    /// <summary>Not armed.</summary>
    Disarmed,

    /// <summary>The VMX preemption timer (hv_timer_in_use): counts only in guest mode and exits when it elapses.</summary>
    HvTimer,

    /// <summary>A host hrtimer (start_sw_timer): fires on the vCPU's pCPU whatever the vCPU does.</summary>
    SwTimer,

    /// <summary>Passthrough timer (ByteDance): the guest programmed the physical LAPIC timer directly.</summary>
    Physical,
}
