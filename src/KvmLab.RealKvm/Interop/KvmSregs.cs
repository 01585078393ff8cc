using System.Runtime.InteropServices;

namespace KvmLab.RealKvm.Interop;

/// <summary>struct kvm_sregs (arch/x86/include/uapi/asm/kvm.h): 312 bytes.</summary>
[StructLayout(LayoutKind.Sequential)]
public unsafe struct KvmSregs
{
    public KvmSegment Cs, Ds, Es, Fs, Gs, Ss, Tr, Ldt;
    public KvmDtable Gdt, Idt;
    public ulong Cr0, Cr2, Cr3, Cr4, Cr8, Efer, ApicBase;
    public fixed ulong InterruptBitmap[4];
}
