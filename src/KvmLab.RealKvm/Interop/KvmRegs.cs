using System.Runtime.InteropServices;

namespace KvmLab.RealKvm.Interop;

/// <summary>struct kvm_regs (arch/x86/include/uapi/asm/kvm.h): 18 u64, 144 bytes.</summary>
[StructLayout(LayoutKind.Sequential)]
public struct KvmRegs
{
    public ulong Rax, Rbx, Rcx, Rdx, Rsi, Rdi, Rsp, Rbp;
    public ulong R8, R9, R10, R11, R12, R13, R14, R15;
    public ulong Rip, Rflags;
}
