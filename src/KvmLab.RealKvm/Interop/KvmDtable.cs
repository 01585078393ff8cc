using System.Runtime.InteropServices;

namespace KvmLab.RealKvm.Interop;

/// <summary>struct kvm_dtable (arch/x86/include/uapi/asm/kvm.h): base, limit, 3 u16 padding; 16 bytes.</summary>
[StructLayout(LayoutKind.Sequential)]
public struct KvmDtable
{
    public ulong Base;
    public ushort Limit;
    public ushort Pad0, Pad1, Pad2;
}
