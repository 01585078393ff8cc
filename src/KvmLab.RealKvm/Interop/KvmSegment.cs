using System.Runtime.InteropServices;

namespace KvmLab.RealKvm.Interop;

/// <summary>struct kvm_segment (arch/x86/include/uapi/asm/kvm.h): 24 bytes.</summary>
[StructLayout(LayoutKind.Sequential)]
public struct KvmSegment
{
    public ulong Base;
    public uint Limit;
    public ushort Selector;
    public byte Type, Present, Dpl, Db, S, L, G, Avl;
    public byte Unusable, Padding;
}
