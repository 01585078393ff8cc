namespace KvmLab.Model.Kvm.Pvm;

/// <summary>Where guest code runs on a PVM host.</summary>
public enum PvmGuestMode
{
    /// <summary>
    /// Non-PVM mode ring 0 (a guest that is not PVM-aware: booting, or kvm-unit-tests-like tiny
    /// guests): never entered, run by the emulator in batches (RFC patch 49, handle_non_pvm_mode).
    /// </summary>
    EmulatedRing0,

    /// <summary>Guest ring 3 (user mode) running natively in hardware ring 3.</summary>
    NativeRing3,

    /// <summary>
    /// A PVM-aware guest kernel (PVM mode, supervisor mode "smod"): runs natively in hardware ring
    /// 3; its privileged instructions trap (#GP) to the emulator, its IF lives in the PVCS.
    /// </summary>
    PvmSupervisor,
}
