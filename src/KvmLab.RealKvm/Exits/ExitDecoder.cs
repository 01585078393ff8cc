using System.Buffers.Binary;
using KvmLab.RealKvm.Interop;

namespace KvmLab.RealKvm.Exits;

/// <summary>
/// Decodes kvm_run after KVM_RUN returned: a pure function of the page's bytes, so tests feed it
/// synthetic pages (Firecracker's vcpu exit handling is tested the same way). Layout:
/// include/uapi/linux/kvm.h struct kvm_run; semantics: Documentation/virt/kvm/api.rst section 5.
/// </summary>
public static class ExitDecoder
{
    public static VcpuExit Decode(ReadOnlySpan<byte> run)
    {
        if (run.Length < KvmRunLayout.MinimumSize)
        {
            throw new ArgumentException($"kvm_run needs at least {KvmRunLayout.MinimumSize} bytes, got {run.Length}", nameof(run));
        }

        var reason = (KvmExitReason)BinaryPrimitives.ReadUInt32LittleEndian(run[KvmRunLayout.ExitReason..]);
        switch (reason)
        {
            case KvmExitReason.Io:
            {
                bool write = run[KvmRunLayout.IoDirection] == 1; // KVM_EXIT_IO_OUT
                int size = run[KvmRunLayout.IoSize];
                ushort port = BinaryPrimitives.ReadUInt16LittleEndian(run[KvmRunLayout.IoPort..]);
                ulong offset = BinaryPrimitives.ReadUInt64LittleEndian(run[KvmRunLayout.IoDataOffset..]);
                ulong data = 0;
                if (write && size is 1 or 2 or 4 && offset + (ulong)size <= (ulong)run.Length)
                {
                    data = ReadLittle(run.Slice((int)offset, size));
                }

                return new VcpuExit(reason, port, size, write, data);
            }

            case KvmExitReason.Mmio:
            {
                ulong addr = BinaryPrimitives.ReadUInt64LittleEndian(run[KvmRunLayout.MmioPhysAddr..]);
                int len = (int)BinaryPrimitives.ReadUInt32LittleEndian(run[KvmRunLayout.MmioLen..]);
                bool write = run[KvmRunLayout.MmioIsWrite] != 0;
                ulong data = write && len is > 0 and <= 8 ? ReadLittle(run.Slice(KvmRunLayout.MmioData, len)) : 0;
                return new VcpuExit(reason, addr, len, write, data);
            }

            case KvmExitReason.FailEntry:
                return new VcpuExit(reason, Detail: BinaryPrimitives.ReadUInt64LittleEndian(run[KvmRunLayout.FailEntryReason..]));
            case KvmExitReason.InternalError:
                return new VcpuExit(reason, Detail: BinaryPrimitives.ReadUInt32LittleEndian(run[KvmRunLayout.InternalSuberror..]));
            case KvmExitReason.SystemEvent:
                return new VcpuExit(reason, Detail: BinaryPrimitives.ReadUInt32LittleEndian(run[KvmRunLayout.SystemEventType..]));
            default:
                return new VcpuExit(reason);
        }
    }

    private static ulong ReadLittle(ReadOnlySpan<byte> bytes)
    {
        ulong v = 0;
        for (int i = bytes.Length - 1; i >= 0; i--)
        {
            v = (v << 8) | bytes[i];
        }

        return v;
    }
}
