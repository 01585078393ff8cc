using Iced.Intel;
using static Iced.Intel.AssemblerRegisters;

namespace KvmLab.RealKvm.Guests;

/// <summary>
/// Doorbell to interrupt: at CPL3 with interrupts on, read the acknowledgement counter and the
/// TSC, store to the doorbell (an ioeventfd or a userspace-exit address), spin until the handler
/// for vector 0x42 (delivered by irqfd or KVM_SIGNAL_MSI) has counted, and store the elapsed
/// ticks at [rdi]. The path a virtio queue notification and its completion interrupt take,
/// stripped to the notification mechanisms. Entry (CPL0): rdi = samples, r9 = count.
/// </summary>
public sealed class NotifyGuest
{
    private NotifyGuest(AssembledGuest code, ulong entry)
    {
        Code = code;
        Entry = entry;
    }

    public AssembledGuest Code { get; }

    public ulong Entry { get; }

    public static NotifyGuest Build(ulong doorbell)
    {
        var g = new GuestAssembler();
        Assembler a = g.A;
        Label entry = a.CreateLabel("entry");
        Label body = a.CreateLabel("body");
        Label loop = a.CreateLabel("loop");
        Label wait = a.CreateLabel("wait");

        a.Label(ref entry);
        g.EmitApicEnable(x2apic: false);
        g.EmitDropToUser(body, vcpu: 0, interrupts: true);  // the loop runs natively on PVM
        a.Label(ref body);
        a.mov(r10, GuestLayout.Ack);
        a.mov(r11, doorbell);

        a.Label(ref loop);
        a.mov(rbx, __qword_ptr[r10]);
        g.EmitTsc();
        a.mov(r8, rax);
        a.mov(__dword_ptr[r11], eax);                       // ring the doorbell
        a.Label(ref wait);
        a.pause();
        a.cmp(__qword_ptr[r10], rbx);
        a.je(wait);                                         // until the interrupt handler has run
        g.EmitTsc();
        a.sub(rax, r8);
        a.mov(__qword_ptr[rdi], rax);
        a.add(rdi, 8);
        a.dec(r9);
        a.jnz(loop);
        g.EmitDone();

        g.Gate(GuestLayout.VectorNotify, g.EmitCountingHandler("notify", x2apic: false, recordTsc: false));
        g.EmitExceptionStubs();
        AssembledGuest code = g.Assemble();
        return new NotifyGuest(code, code.Address(entry));
    }
}
