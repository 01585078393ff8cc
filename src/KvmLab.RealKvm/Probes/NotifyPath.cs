namespace KvmLab.RealKvm.Probes;

/// <summary>How a guest doorbell becomes a guest interrupt.</summary>
public enum NotifyPath
{
    /// <summary>ioeventfd -> a host thread blocked in read(2) -> irqfd.</summary>
    IoeventfdIrqfdBlocking,

    /// <summary>ioeventfd -> a host thread busy-polling the eventfd (non-blocking reads) -> irqfd.</summary>
    IoeventfdIrqfdBusyPoll,

    /// <summary>MMIO exit to the vCPU thread in userspace -> KVM_SIGNAL_MSI -> KVM_RUN again.</summary>
    ExitSignalMsi,
}
