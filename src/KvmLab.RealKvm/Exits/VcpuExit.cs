namespace KvmLab.RealKvm.Exits;

/// <summary>
/// One decoded exit to userspace. For IO: <see cref="Address"/> is the port, <see cref="Size"/>
/// the access width, <see cref="Data"/> the first value written (little-endian); for MMIO the
/// guest-physical address, length and written data. <see cref="Detail"/> carries the
/// hardware/internal error code for failure exits.
/// </summary>
public readonly record struct VcpuExit(KvmExitReason Reason, ulong Address = 0, int Size = 0, bool IsWrite = false, ulong Data = 0, ulong Detail = 0)
{
    public override string ToString() => Reason switch
    {
        KvmExitReason.Io => $"IO {(IsWrite ? "out" : "in")} port 0x{Address:x} size {Size} data 0x{Data:x}",
        KvmExitReason.Mmio => $"MMIO {(IsWrite ? "write" : "read")} 0x{Address:x} len {Size} data 0x{Data:x}",
        KvmExitReason.FailEntry => $"FAIL_ENTRY hardware reason 0x{Detail:x}",
        KvmExitReason.InternalError => $"INTERNAL_ERROR suberror {Detail}",
        KvmExitReason.SystemEvent => $"SYSTEM_EVENT type {Detail}",
        _ => Reason.ToString().ToUpperInvariant(),
    };
}
