namespace KvmLab.Model.Kvm;

/// <summary>Where a vCPU is, from the host's point of view.</summary>
public enum VcpuMode
{
    /// <summary>Created, not yet run.</summary>
    Created,

    /// <summary>Executing guest code (VMX non-root).</summary>
    InGuest,

    /// <summary>On its pCPU in the host kernel: exit handling or the run loop.</summary>
    InHost,

    /// <summary>Halted, spinning in kvm_vcpu_block's poll loop on its pCPU.</summary>
    Polling,

    /// <summary>Halted and asleep (the thread is off the CPU).</summary>
    Blocked,

    /// <summary>Runnable but its thread is off the CPU (preempted).</summary>
    Preempted,
}
