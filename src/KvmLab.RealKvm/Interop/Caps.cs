namespace KvmLab.RealKvm.Interop;

/// <summary>KVM_CAP_* numbers from include/uapi/linux/kvm.h (KVM_CHECK_EXTENSION / KVM_ENABLE_CAP).</summary>
public enum KvmCap
{
    Irqchip = 0,
    Hlt = 1,
    UserMemory = 3,
    SetTssAddr = 4,
    MpState = 14,
    IrqRouting = 25,
    Irqfd = 32,
    Ioeventfd = 36,
    TscDeadlineTimer = 72,
    SignalMsi = 77,
    SplitIrqchip = 121,
    X2ApicApi = 129,
    ImmediateExit = 136,
    X86DisableExits = 143,
    HaltPoll = 182,
    BinaryStatsFd = 203,
}
