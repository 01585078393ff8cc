namespace KvmLab.Model.Kvm.Pvm;

/// <summary>Where an IPI receiver waits between interrupts.</summary>
public enum PvmReceiverRest
{
    /// <summary>STI; HLT at CPL0 (emulated): blocks in kvm_vcpu_block unless an interrupt is already pending.</summary>
    HaltRing0,

    /// <summary>A PAUSE loop at CPL3 with interrupts on, running natively: an interrupt kicks it out.</summary>
    SpinNativeRing3,

    /// <summary>A loop at CPL0 (emulated): an interrupt is injected only at the next injection point.</summary>
    SpinRing0,
}
