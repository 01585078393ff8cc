using Iced.Intel;
using static Iced.Intel.AssemblerRegisters;

namespace KvmLab.RealKvm.Guests;

/// <summary>
/// IPI ping-pong between two vCPUs, as kvm-unit-tests' vmexit "ipi" does it: vCPU 0 reads the
/// acknowledgement counter, reads the TSC, sends vector 0x40 to APIC ID 1, spins until vCPU 1's
/// handler has bumped the counter, reads the TSC again and stores the round trip at [rdi].
/// vCPU 1 enables its APIC, says it is ready, then waits halted (STI; HLT at CPL0) or spinning at
/// CPL3 with interrupts on. Entries: <see cref="SenderEntry"/> (rdi = samples, r9 = count) and
/// <see cref="ReceiverEntry"/>, both CPL0.
/// </summary>
public sealed class IpiGuest
{
    private IpiGuest(AssembledGuest code, ulong sender, ulong receiver)
    {
        Code = code;
        SenderEntry = sender;
        ReceiverEntry = receiver;
    }

    public AssembledGuest Code { get; }

    public ulong SenderEntry { get; }

    public ulong ReceiverEntry { get; }

    public static bool UsesX2Apic(IpiSend send) => send == IpiSend.X2ApicMsrCpl0;

    public static IpiGuest Build(IpiSend send, bool receiverHalted)
    {
        bool x2 = UsesX2Apic(send);
        var g = new GuestAssembler();
        Assembler a = g.A;

        // --- receiver (vCPU 1) ---
        Label rx = a.CreateLabel("rx_entry");
        a.Label(ref rx);
        g.EmitApicEnable(x2);
        a.mov(rsi, GuestLayout.Ready);
        a.mov(__qword_ptr[rsi], 1);                         // tell the sender it may start
        if (receiverHalted)
        {
            Label idle = a.CreateLabel("rx_idle");
            a.Label(ref idle);
            a.sti();                                        // STI; HLT: wake on the IPI, handler, back here
            a.hlt();
            a.jmp(idle);
        }
        else
        {
            Label spin = a.CreateLabel("rx_spin");
            g.EmitDropToUser(spin, vcpu: 1, interrupts: true);
            a.Label(ref spin);
            a.pause();                                      // CPL3, IF=1: the IPI interrupts this loop
            a.jmp(spin);
        }

        g.Gate(GuestLayout.VectorIpi, g.EmitCountingHandler("rx_ipi", x2, recordTsc: false));

        // --- sender (vCPU 0) ---
        Label tx = a.CreateLabel("tx_entry");
        Label body = a.CreateLabel("tx_body");
        Label ready = a.CreateLabel("tx_ready");
        Label loop = a.CreateLabel("tx_loop");
        Label wait = a.CreateLabel("tx_wait");
        a.Label(ref tx);
        g.EmitApicEnable(x2);
        if (!x2)
        {
            a.mov(rsi, GuestLayout.ApicIcrHigh);
            a.mov(__dword_ptr[rsi], 1 << 24);               // xAPIC ICR high: destination APIC ID 1 (kept between sends)
        }

        if (send == IpiSend.XapicMmioCpl3)
        {
            g.EmitDropToUser(body, vcpu: 0, interrupts: false);
        }
        else
        {
            a.jmp(body);
        }

        a.Label(ref body);
        a.mov(r10, GuestLayout.Ready);
        a.Label(ref ready);
        a.pause();
        a.cmp(__qword_ptr[r10], 0);
        a.je(ready);                                        // until the receiver's APIC is on
        a.mov(r10, GuestLayout.Ack);
        a.mov(r11, GuestLayout.ApicIcrLow);

        a.Label(ref loop);
        a.mov(rbx, __qword_ptr[r10]);                       // acknowledgements so far
        g.EmitTsc();
        a.mov(r8, rax);
        if (x2)
        {
            a.mov(ecx, GuestLayout.MsrX2ApicIcr);           // x2APIC ICR: EDX = destination, EAX = fixed, vector
            a.mov(eax, GuestLayout.VectorIpi);
            a.mov(edx, 1);
            a.wrmsr();
        }
        else
        {
            a.mov(__dword_ptr[r11], GuestLayout.VectorIpi); // xAPIC ICR low: fixed, physical, vector: sends
        }

        a.Label(ref wait);
        a.pause();
        a.cmp(__qword_ptr[r10], rbx);
        a.je(wait);                                         // until the handler on vCPU 1 counted it
        g.EmitTsc();
        a.sub(rax, r8);
        a.mov(__qword_ptr[rdi], rax);
        a.add(rdi, 8);
        a.dec(r9);
        a.jnz(loop);
        g.EmitDone();

        g.EmitExceptionStubs();
        AssembledGuest code = g.Assemble();
        return new IpiGuest(code, code.Address(tx), code.Address(rx));
    }
}
