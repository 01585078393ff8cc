using Iced.Intel;
using static Iced.Intel.AssemblerRegisters;

namespace KvmLab.RealKvm.Guests;

/// <summary>
/// Iced's assembler plus the pieces every tiny guest shares: exception stubs that report a guest
/// fault through a doorbell, APIC enable and EOI in xAPIC (MMIO) or x2APIC (MSR) mode, an
/// interrupt handler that counts, the drop to CPL3 and the "done" doorbell. Each emitter says
/// which registers it clobbers. Guests are identity-mapped (guest-virtual = guest-physical).
/// </summary>
public sealed class GuestAssembler
{
    private readonly Dictionary<int, Label> _gates = [];

    public Assembler A { get; } = new(64);

    /// <summary>Routes <paramref name="vector"/> to the handler at <paramref name="handler"/>.</summary>
    public void Gate(int vector, Label handler) => _gates[vector] = handler;

    /// <summary>Vectors 0-31: write [rsp] and [rsp+8] (error code or RIP) then the vector to <see cref="GuestLayout.FaultMmio"/>; the host stops there.</summary>
    public void EmitExceptionStubs()
    {
        for (int v = 0; v < 32; v++)
        {
            Label stub = A.CreateLabel($"exc{v}");
            A.Label(ref stub);
            A.mov(rsi, GuestLayout.FaultMmio + 8);
            A.mov(rax, __qword_ptr[rsp]);        // error code, or RIP for vectors without one
            A.mov(__qword_ptr[rsi], rax);
            A.mov(rax, __qword_ptr[rsp + 8]);    // RIP, or CS
            A.mov(__qword_ptr[rsi + 8], rax);
            A.mov(rsi, GuestLayout.FaultMmio);
            A.mov(__dword_ptr[rsi], v);          // the fatal doorbell
            Label hang = A.CreateLabel();
            A.Label(ref hang);
            A.jmp(hang);
            Gate(v, stub);
        }
    }

    /// <summary>Software-enables the local APIC: SVR = 0x1FF (enable bit 8, spurious vector 0xFF). Clobbers rax, rcx, rdx, rsi.</summary>
    public void EmitApicEnable(bool x2apic)
    {
        if (x2apic)
        {
            A.mov(ecx, GuestLayout.MsrX2ApicSvr);   // x2APIC SVR MSR (SDM 10.12.1.2)
            A.mov(eax, 0x1FF);
            A.xor(edx, edx);
            A.wrmsr();
        }
        else
        {
            A.mov(rsi, GuestLayout.ApicSvr);        // xAPIC SVR at APIC base + 0xF0
            A.mov(__dword_ptr[rsi], 0x1FF);
        }
    }

    /// <summary>End of interrupt. Clobbers rax, rcx, rdx, rsi.</summary>
    public void EmitEoi(bool x2apic)
    {
        if (x2apic)
        {
            A.mov(ecx, GuestLayout.MsrX2ApicEoi);
            A.xor(eax, eax);
            A.xor(edx, edx);
            A.wrmsr();
        }
        else
        {
            A.mov(rsi, GuestLayout.ApicEoi);
            A.mov(__dword_ptr[rsi], 0);
        }
    }

    /// <summary>
    /// An interrupt handler that optionally stores the TSC to <see cref="GuestLayout.FiredTsc"/>
    /// first, counts in <see cref="GuestLayout.Ack"/>, sends EOI and returns. Saves what it uses.
    /// </summary>
    public Label EmitCountingHandler(string name, bool x2apic, bool recordTsc)
    {
        Label h = A.CreateLabel(name);
        A.Label(ref h);
        A.push(rax);
        A.push(rcx);
        A.push(rdx);
        A.push(rsi);
        if (recordTsc)
        {
            A.rdtsc();                                // when the handler ran
            A.shl(rdx, 32);
            A.or(rax, rdx);
            A.mov(rsi, GuestLayout.FiredTsc);
            A.mov(__qword_ptr[rsi], rax);
        }

        A.mov(rsi, GuestLayout.Ack);
        A.inc(__qword_ptr[rsi]);                       // the waiter polls this
        EmitEoi(x2apic);
        A.pop(rsi);
        A.pop(rdx);
        A.pop(rcx);
        A.pop(rax);
        A.iretq();
        return h;
    }

    /// <summary>IRETQ to <paramref name="entry"/> at CPL3 on the vCPU's user stack, IF as given, IOPL 3 when asked (ring-3 IN/OUT). Clobbers rax.</summary>
    public void EmitDropToUser(Label entry, int vcpu, bool interrupts, bool iopl3 = false)
    {
        A.push(GuestLayout.UserData);                               // SS
        A.mov(rax, GuestLayout.UserStackTop(vcpu));
        A.push(rax);                                                // RSP
        A.push((interrupts ? 0x202 : 0x2) | (iopl3 ? 0x3000 : 0));  // RFLAGS (IF, reserved bit 1, IOPL)
        A.push(GuestLayout.UserCode);                               // CS, RPL 3
        A.lea(rax, __[entry]);
        A.push(rax);                                                // RIP
        A.iretq();
    }

    /// <summary>rax = TSC, serialised against earlier loads by LFENCE (SDM RDTSC notes). Clobbers rax, rdx.</summary>
    public void EmitTsc()
    {
        A.lfence();
        A.rdtsc();
        A.shl(rdx, 32);
        A.or(rax, rdx);
    }

    /// <summary>Rings the "done" doorbell; the host's run loop returns there and never resumes the guest.</summary>
    public void EmitDone()
    {
        A.mov(rsi, GuestLayout.DoneMmio);
        A.mov(__dword_ptr[rsi], eax);
        Label hang = A.CreateLabel();
        A.Label(ref hang);
        A.jmp(hang);
    }

    /// <summary>Assembles at <see cref="GuestLayout.Code"/>.</summary>
    public AssembledGuest Assemble()
    {
        using var ms = new MemoryStream();
        AssemblerResult r = A.Assemble(new StreamCodeWriter(ms), GuestLayout.Code, BlockEncoderOptions.ReturnNewInstructionOffsets);
        var gates = _gates.ToDictionary(kv => kv.Key, kv => r.GetLabelRIP(kv.Value));
        return new AssembledGuest(ms.ToArray(), gates, r);
    }
}
