namespace KvmLab.RealKvm;

/// <summary>The watchdog kicked a vCPU that had not finished by its deadline.</summary>
public sealed class VcpuStuckException : Exception
{
    public VcpuStuckException(string message)
        : base(message)
    {
    }

    public VcpuStuckException()
    {
    }

    public VcpuStuckException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
