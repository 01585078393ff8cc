namespace KvmLab.RealKvm.Exits;

/// <summary>What the probe run loop does with an exit.</summary>
public enum ExitAction
{
    /// <summary>An expected exit (a userspace doorbell): re-enter the guest.</summary>
    Continue,

    /// <summary>The guest rang the "done" doorbell: stop.</summary>
    Done,

    /// <summary>A guest exception stub is reporting its stack words: keep them and re-enter.</summary>
    FaultWord,

    /// <summary>A guest exception stub rang the fault doorbell with the vector.</summary>
    Fault,

    /// <summary>Anything else: the guest or KVM failed (shutdown, failed entry, internal error, an unknown doorbell).</summary>
    Unexpected,
}
