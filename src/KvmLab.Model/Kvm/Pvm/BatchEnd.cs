namespace KvmLab.Model.Kvm.Pvm;

/// <summary>Why an emulation batch returned to KVM's run loop (RFC patch 49, handle_non_pvm_mode).</summary>
public enum BatchEnd
{
    /// <summary>The batch's instruction budget is spent (130 in the RFC, pvm_emul_batch here).</summary>
    Full,

    /// <summary>kvm_test_request(KVM_REQ_EVENT): an interrupt became pending (checked per instruction only where the emulator does).</summary>
    PendingEvent,

    /// <summary>The guest executed HLT.</summary>
    Halt,

    /// <summary>IRETQ to ring 3: the vCPU leaves the emulator for native execution.</summary>
    LeftRing0,

    /// <summary>__xfer_to_guest_mode_work_pending(): a signal or a reschedule for the vCPU thread.</summary>
    HostWork,
}
