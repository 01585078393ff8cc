namespace KvmLab.RealKvm.Interop;

/// <summary>
/// Byte offsets into the mmapped struct kvm_run (include/uapi/linux/kvm.h, x86-64). The exit
/// decoder reads the page through these, so it can be fed synthetic pages in tests.
/// </summary>
public static class KvmRunLayout
{
    public const int RequestInterruptWindow = 0; // u8
    public const int ImmediateExit = 1;          // u8
    public const int ExitReason = 8;             // u32
    public const int Union = 32;                 // the exit-reason union, 256 bytes

    // KVM_EXIT_IO: u8 direction, u8 size, u16 port, u32 count, u64 data_offset (from kvm_run).
    public const int IoDirection = Union + 0;
    public const int IoSize = Union + 1;
    public const int IoPort = Union + 2;
    public const int IoCount = Union + 4;
    public const int IoDataOffset = Union + 8;

    // KVM_EXIT_MMIO: u64 phys_addr, u8 data[8], u32 len, u8 is_write.
    public const int MmioPhysAddr = Union + 0;
    public const int MmioData = Union + 8;
    public const int MmioLen = Union + 16;
    public const int MmioIsWrite = Union + 20;

    // KVM_EXIT_FAIL_ENTRY: u64 hardware_entry_failure_reason, u32 cpu.
    public const int FailEntryReason = Union + 0;

    // KVM_EXIT_INTERNAL_ERROR: u32 suberror, u32 ndata, u64 data[16].
    public const int InternalSuberror = Union + 0;

    // KVM_EXIT_SYSTEM_EVENT: u32 type, u32 ndata.
    public const int SystemEventType = Union + 0;

    /// <summary>Bytes the decoder may read: the header plus the union.</summary>
    public const int MinimumSize = Union + 256;
}
