namespace KvmLab.RealKvm.Guests;

/// <summary>The instruction whose exit a probe times.</summary>
public enum ExitKind
{
    Cpuid,
    Rdmsr,
    Wrmsr,
    PioUser,
    MmioUser,
    PioEventfd,
    MmioEventfd,
}
