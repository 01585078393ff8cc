using Iced.Intel;
using static Iced.Intel.AssemblerRegisters;

namespace KvmLab.RealKvm.Guests;

/// <summary>
/// TSC-deadline timer lateness: per iteration arm IA32_TSC_DEADLINE = now + delta (delta in ticks
/// at <see cref="GuestLayout.TimerDelta"/>), wait halted (CLI; check; STI; HLT, so a wake-up cannot
/// be lost), and store handler-TSC minus deadline at [rdi]. The handler reads the TSC as its first
/// instructions. Ring 0 throughout (WRMSR and HLT are privileged); xAPIC mode, LVT timer in
/// TSC-deadline mode (SDM vol. 3A 10.5.4.1). Entry: rdi = samples, r9 = count.
/// </summary>
public sealed class TimerGuest
{
    private TimerGuest(AssembledGuest code, ulong entry)
    {
        Code = code;
        Entry = entry;
    }

    public AssembledGuest Code { get; }

    public ulong Entry { get; }

    public static TimerGuest Build()
    {
        var g = new GuestAssembler();
        Assembler a = g.A;
        Label entry = a.CreateLabel("entry");
        Label loop = a.CreateLabel("loop");
        Label wait = a.CreateLabel("wait");
        Label fired = a.CreateLabel("fired");

        a.Label(ref entry);
        g.EmitApicEnable(x2apic: false);
        a.mov(rsi, GuestLayout.ApicLvtTimer);
        a.mov(__dword_ptr[rsi], GuestLayout.VectorTimer | (2 << 17)); // LVT timer: vector, TSC-deadline mode, unmasked
        a.mov(r10, GuestLayout.Ack);
        a.mov(rsi, GuestLayout.TimerDelta);
        a.mov(r13, __qword_ptr[rsi]);

        a.Label(ref loop);
        a.mov(rbx, __qword_ptr[r10]);                       // interrupts counted so far
        g.EmitTsc();
        a.add(rax, r13);
        a.mov(r8, rax);                                     // the deadline
        a.mov(rdx, rax);
        a.shr(rdx, 32);
        a.mov(ecx, GuestLayout.MsrTscDeadline);
        a.wrmsr();                                          // arm
        a.cli();
        a.Label(ref wait);
        a.cmp(__qword_ptr[r10], rbx);
        a.jne(fired);
        a.sti();                                            // STI's shadow covers HLT: no lost wake-up
        a.hlt();
        a.cli();
        a.jmp(wait);
        a.Label(ref fired);
        a.sti();
        a.mov(rsi, GuestLayout.FiredTsc);
        a.mov(rax, __qword_ptr[rsi]);
        a.sub(rax, r8);                                     // lateness = handler TSC - deadline
        a.mov(__qword_ptr[rdi], rax);
        a.add(rdi, 8);
        a.dec(r9);
        a.jnz(loop);
        g.EmitDone();

        g.Gate(GuestLayout.VectorTimer, g.EmitCountingHandler("timer", x2apic: false, recordTsc: true));
        g.EmitExceptionStubs();
        AssembledGuest code = g.Assemble();
        return new TimerGuest(code, code.Address(entry));
    }
}
