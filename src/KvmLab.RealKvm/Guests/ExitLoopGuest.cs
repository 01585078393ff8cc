using Iced.Intel;
using static Iced.Intel.AssemblerRegisters;

namespace KvmLab.RealKvm.Guests;

/// <summary>
/// Times one exiting instruction in a loop: per iteration TSC, the instruction, TSC, store the
/// difference at [rdi]; r9 iterations; then the "done" doorbell. At CPL3 the loop runs natively
/// (on PVM ring 3 is not emulated); at CPL0 it is whatever the hypervisor does with ring 0.
/// The baseline variant keeps the set-up instructions and drops only the exiting one, so
/// subtracting it removes the loop, the TSC reads and the set-up (BenchmarkDotNet's overhead stage).
/// Entry: rdi = sample buffer, r9 = iterations. The vCPU starts at <see cref="Entry"/> in CPL0.
/// </summary>
public sealed class ExitLoopGuest
{
    private ExitLoopGuest(AssembledGuest code, ulong entry)
    {
        Code = code;
        Entry = entry;
    }

    public AssembledGuest Code { get; }

    public ulong Entry { get; }

    /// <summary>Whether the instruction can run at CPL3 at all: RDMSR/WRMSR always raise #GP there (SDM vol. 2); port I/O is tried with IOPL 3.</summary>
    public static bool AllowedAtCpl3(ExitKind kind) => kind is not (ExitKind.Rdmsr or ExitKind.Wrmsr);

    public static ExitLoopGuest Build(ExitKind kind, bool cpl3, bool baseline)
    {
        var g = new GuestAssembler();
        Assembler a = g.A;
        Label entry = a.CreateLabel("entry");
        Label body = a.CreateLabel("body");
        Label loop = a.CreateLabel("loop");

        a.Label(ref entry);
        if (cpl3)
        {
            // rdi and r9 survive IRETQ; IOPL 3 lets ring 3 use IN/OUT architecturally (SDM vol. 1, 18.2.1).
            g.EmitDropToUser(body, vcpu: 0, interrupts: false, iopl3: kind is ExitKind.PioUser or ExitKind.PioEventfd);
            a.Label(ref body);
        }

        a.mov(r10, kind == ExitKind.MmioEventfd ? GuestLayout.EventMmio : GuestLayout.UserMmio);

        a.Label(ref loop);
        g.EmitTsc();                                               // t0
        a.mov(r8, rax);
        EmitOp(a, kind, baseline);
        g.EmitTsc();                                               // t1
        a.sub(rax, r8);
        a.mov(__qword_ptr[rdi], rax);                              // sample = t1 - t0
        a.add(rdi, 8);
        a.dec(r9);
        a.jnz(loop);
        g.EmitDone();

        g.EmitExceptionStubs();
        AssembledGuest code = g.Assemble();
        return new ExitLoopGuest(code, code.Address(entry));
    }

    private static void EmitOp(Assembler a, ExitKind kind, bool baseline)
    {
        switch (kind)
        {
            case ExitKind.Cpuid:
                a.xor(eax, eax);                                   // leaf 0, subleaf 0
                a.xor(ecx, ecx);
                if (!baseline)
                {
                    a.cpuid();                                     // always intercepted on VMX/SVM
                }

                break;
            case ExitKind.Rdmsr:
                a.mov(ecx, GuestLayout.MsrApicBase);               // IA32_APIC_BASE, emulated by KVM
                if (!baseline)
                {
                    a.rdmsr();
                }

                break;
            case ExitKind.Wrmsr:
                a.mov(ecx, GuestLayout.MsrTscDeadline);            // IA32_TSC_DEADLINE = 0: disarm (needs the in-kernel LAPIC)
                a.xor(eax, eax);
                a.xor(edx, edx);
                if (!baseline)
                {
                    a.wrmsr();
                }

                break;
            case ExitKind.PioUser:
            case ExitKind.PioEventfd:
                a.mov(edx, kind == ExitKind.PioUser ? GuestLayout.UserPort : GuestLayout.EventPort);
                if (!baseline)
                {
                    a.@out(dx, al);                                // 1-byte OUT
                }

                break;
            case ExitKind.MmioUser:
            case ExitKind.MmioEventfd:
                if (!baseline)
                {
                    a.mov(__dword_ptr[r10], eax);                  // 4-byte store to a page without RAM
                }
                else
                {
                    a.nop();
                }

                break;
        }
    }
}
