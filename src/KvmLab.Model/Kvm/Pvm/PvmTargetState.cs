namespace KvmLab.Model.Kvm.Pvm;

/// <summary>Where an interrupt's target vCPU is when the interrupt becomes pending (kvm_lapic_set_irr + KVM_REQ_EVENT + kvm_vcpu_kick).</summary>
public enum PvmTargetState
{
    /// <summary>In the emulator (guest ring 0): the interrupt waits for the next injection point.</summary>
    EmulatingRing0,

    /// <summary>Running natively (guest ring 3, or a PVM-mode kernel): a host IPI forces an exit.</summary>
    Native,

    /// <summary>Blocked in kvm_vcpu_block after HLT: its thread is woken.</summary>
    Blocked,

    /// <summary>In kvm_vcpu_block's poll loop after HLT (the window covers the wait and the poll was not aborted): the next kvm_vcpu_check_block sees it; no wake-up, no kick.</summary>
    Polling,
}
