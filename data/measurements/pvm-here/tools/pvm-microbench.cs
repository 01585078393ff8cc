// PVM microbenchmark for docs/PVM.md (a research tool, not part of the solution): per-instruction cost of
// emulated CPL0 by instruction class, the emulation batch, interrupt injection into an emulating vCPU, IPI
// round trip versus handler length, TSC-deadline lateness halted versus spinning at CPL0, INT3 and self-IPI
// round trips from native CPL3. Built on KvmLab.RealKvm (TinyVm, GuestAssembler, GuestRunner); see
// tools/README.md for the project file. Usage: pvm-microbench ops|ipi|timer|trap|block; one JSON line per
// experiment on stdout (median of the kept samples, KVM's per-vCPU statistics after the run).
using Iced.Intel;
using KvmLab.RealKvm;
using KvmLab.RealKvm.Guests;
using KvmLab.RealKvm.Probes;
using static Iced.Intel.AssemblerRegisters;

static class P
{
    static int Main(string[] args)
    {
        using var kvm = Kvm.Open("/dev/kvm");
        var ctx = new ProbeContext(kvm, 1000, CancellationToken.None) { Timeout = TimeSpan.FromSeconds(60) };
        string what = args.Length > 0 ? args[0] : "block";
        switch (what)
        {
            case "block":
                foreach (bool cpl3 in new[] { false, true })
                    foreach (string op in new[] { "nop", "movreg", "load", "store" })
                        foreach (int n in new[] { 0, 4, 16, 64, 256, 1024, 1536, 2048 })
                            Block(ctx, cpl3, op, n, cpl3 ? 200 : (n >= 1024 ? 12 : 40));
                break;
            case "ipi":
                foreach (string rx in new[] { "cpl0-spin", "cpl3-spin", "cpl0-halt" })
                    foreach (int pad in new[] { 0, 8, 32, 128 })
                        Ipi(ctx, rx, pad, 200);
                break;
            case "ops":
                foreach (string op in new[] { "nop", "movreg", "load", "store", "pushpop", "incmem", "cmpmem", "pause", "lfence", "rdtsc", "cpuid", "rdmsr", "wrmsr-tscdl", "x2eoi", "xeoi-mmio", "out-ioeventfd", "mmio-ioeventfd", "sti", "cli", "iret" })
                    foreach (int n in new[] { 0, 64 })
                        Block(ctx, false, op, n, 30);
                break;
            case "timer":
                foreach (string w in new[] { "hlt", "spin0" })
                    foreach (int us in new[] { 50, 1000 })
                        Timer(ctx, w, us, 60);
                break;
            case "trap":
                foreach (string kind in new[] { "int3", "selfipi" })
                    foreach (int pad in new[] { 0, 16 })
                        Trap(ctx, kind, pad, 300);
                break;
            case "ipi-long":
                foreach (int pad in new[] { 0, 512, 2048 })
                    Ipi(ctx, "cpl0-spin", pad, 60);
                break;
        }
        return 0;
    }

    static void Stats(string name, double[] ns, Dictionary<string, ulong> ctr, string extra = "")
    {
        var s = ns.OrderBy(x => x).ToArray();
        double med = s[s.Length / 2], min = s[0], p90 = s[(int)(s.Length * 0.9)];
        Console.WriteLine($"{{\"exp\":\"{name}\",\"n\":{s.Length},\"min_ns\":{min:0},\"median_ns\":{med:0},\"p90_ns\":{p90:0}," +
            $"\"exits\":{ctr.GetValueOrDefault("exits")},\"irq_exits\":{ctr.GetValueOrDefault("irq_exits")},\"halt_exits\":{ctr.GetValueOrDefault("halt_exits")},\"halt_wakeup\":{ctr.GetValueOrDefault("halt_wakeup")},\"irq_injections\":{ctr.GetValueOrDefault("irq_injections")},\"insn_emulation\":{ctr.GetValueOrDefault("insn_emulation")},\"req_event\":{ctr.GetValueOrDefault("req_event")},\"host_state_reload\":{ctr.GetValueOrDefault("host_state_reload")},\"pf_taken\":{ctr.GetValueOrDefault("pf_taken")},\"halt_attempted_poll\":{ctr.GetValueOrDefault("halt_attempted_poll")}{extra}}}");
    }

    static Dictionary<string, ulong> AllStats(TinyVm vm, int vcpu) => vm.Vcpus[vcpu].Stats() ?? new Dictionary<string, ulong>();

    static void EmitOp(Assembler a, string op)
    {
        switch (op)
        {
            case "nop": a.nop(); break;
            case "movreg": a.mov(rbx, rcx); break;
            case "load": a.mov(rbx, __qword_ptr[r12]); break;
            case "store": a.mov(__qword_ptr[r12], rbx); break;
            case "pushpop": a.push(rbx); a.pop(rbx); break;
            case "incmem": a.inc(__qword_ptr[r12]); break;
            case "cmpmem": a.cmp(__qword_ptr[r12], rbx); break;
            case "pause": a.pause(); break;
            case "lfence": a.lfence(); break;
            case "rdtsc": a.rdtsc(); break;
            case "cpuid": a.xor(eax, eax); a.cpuid(); break;
            case "rdmsr": a.mov(ecx, GuestLayout.MsrApicBase); a.rdmsr(); break;
            case "wrmsr-tscdl": a.mov(ecx, GuestLayout.MsrTscDeadline); a.xor(eax, eax); a.xor(edx, edx); a.wrmsr(); break;
            case "x2eoi": a.mov(ecx, GuestLayout.MsrX2ApicEoi); a.xor(eax, eax); a.xor(edx, edx); a.wrmsr(); break;
            case "xeoi-mmio": a.mov(__dword_ptr[r13], ebx); break;
            case "out-ioeventfd": a.mov(edx, GuestLayout.EventPort); a.@out(dx, al); break;
            case "mmio-ioeventfd": a.mov(__dword_ptr[r14], ebx); break;
            case "sti": a.sti(); break;
            case "cli": a.cli(); break;
            case "iret":
                {
                    // build a CPL0 interrupt frame for the next instruction and IRETQ to it
                    var next = a.CreateLabel();
                    a.mov(rbx, rsp);
                    a.push(GuestLayout.KernelData);
                    a.push(rbx);
                    a.pushfq();
                    a.push(GuestLayout.KernelCode);
                    a.lea(rbx, __[next]);
                    a.push(rbx);
                    a.iretq();
                    a.Label(ref next);
                    a.nop();
                    break;
                }
        }
    }

    // TSC; n copies of op; TSC; store; loop. Time per iteration is (n + ~6) instructions at CPL0.
    static void Block(ProbeContext ctx, bool cpl3, string op, int n, int iters)
    {
        var g = new GuestAssembler();
        var a = g.A;
        var entry = a.CreateLabel(); var body = a.CreateLabel(); var loop = a.CreateLabel();
        a.Label(ref entry);
        a.nop();
        if (cpl3) g.EmitDropToUser(body, 0, interrupts: false);
        a.Label(ref body);
        a.mov(r12, GuestLayout.Data + 0x200);
        a.mov(r13, GuestLayout.ApicEoi);
        a.mov(r14, GuestLayout.EventMmio);
        a.xor(ebx, ebx);
        if (op is "x2eoi") g.EmitApicEnable(true); else g.EmitApicEnable(false);
        if (op is "sti" or "cli") a.cli();
        a.Label(ref loop);
        g.EmitTsc();
        a.mov(r8, rax);
        for (int i = 0; i < n; i++) EmitOp(a, op);
        g.EmitTsc();
        a.sub(rax, r8);
        a.mov(__qword_ptr[rdi], rax);
        a.add(rdi, 8);
        a.dec(r9);
        a.jnz(loop);
        g.EmitDone();
        g.EmitExceptionStubs();
        var code = g.Assemble();
        int warm = 3;
        using var vm = TinyVm.Create(ctx.Kvm, new TinyVmOptions { X2Apic = op == "x2eoi" });
        using var evt = new EventFd(nonBlocking: true);
        if (op == "out-ioeventfd") vm.Vm.Ioeventfd(evt, GuestLayout.EventPort, 1, pio: true);
        if (op == "mmio-ioeventfd") vm.Vm.Ioeventfd(evt, GuestLayout.EventMmio, 4, pio: false);
        vm.Load(code);
        vm.Start(0, code.Address(entry), rdi: GuestLayout.SampleBuffer(0), r9: (ulong)(warm + iters));
        Affinity.PinCurrentThread(0);
        try { GuestRunner.RunToDone(ctx, vm, "block"); } finally { Affinity.Unpin(); }
        Stats($"block-{(cpl3 ? "cpl3" : "cpl0")}-{op}-{n}", GuestRunner.ReadSamplesNs(ctx, vm, 0, warm, iters), AllStats(vm, 0), $",\"op\":\"{op}\",\"count\":{n},\"cpl\":{(cpl3 ? 3 : 0)},\"iters\":{iters + warm}");
    }

    // Native CPL3 loop: TSC; INT 0x80 (a DPL3 gate) or a self-IPI through the xAPIC ICR (MMIO); wait for the
    // handler's count; TSC. The CPL0 handler (pad NOPs, count, EOI for the IPI, IRETQ) is emulated.
    static void Trap(ProbeContext ctx, string kind, int pad, int iters)
    {
        var g = new GuestAssembler();
        var a = g.A;
        var entry = a.CreateLabel(); var body = a.CreateLabel(); var loop = a.CreateLabel(); var wait = a.CreateLabel();
        a.Label(ref entry);
        g.EmitApicEnable(false);
        g.EmitDropToUser(body, 0, interrupts: true);
        a.Label(ref body);
        a.mov(r10, GuestLayout.Ack);
        a.mov(r11, GuestLayout.ApicIcrLow);
        a.Label(ref loop);
        a.mov(rbx, __qword_ptr[r10]);
        g.EmitTsc();
        a.mov(r8, rax);
        if (kind == "int80") a.@int(0x80); else if (kind == "int3") a.int3();
        else a.mov(__dword_ptr[r11], GuestLayout.VectorIpi | (1 << 18));   // fixed, shorthand self
        a.Label(ref wait); a.pause(); a.cmp(__qword_ptr[r10], rbx); a.je(wait);
        g.EmitTsc();
        a.sub(rax, r8);
        a.mov(__qword_ptr[rdi], rax);
        a.add(rdi, 8);
        a.dec(r9);
        a.jnz(loop);
        g.EmitDone();
        var h = a.CreateLabel();
        a.Label(ref h);
        a.push(rax); a.push(rcx); a.push(rdx); a.push(rsi);
        for (int i = 0; i < pad; i++) a.nop();
        a.mov(rsi, GuestLayout.Ack);
        a.inc(__qword_ptr[rsi]);
        if (kind == "selfipi") g.EmitEoi(false); else { a.nop(); a.nop(); }
        a.pop(rsi); a.pop(rdx); a.pop(rcx); a.pop(rax);
        a.iretq();
        int vec = kind == "int80" ? 0x80 : kind == "int3" ? 3 : GuestLayout.VectorIpi;
        g.EmitExceptionStubs();
        g.Gate(vec, h);
        var code = g.Assemble();
        int warm = 20;
        using var vm = TinyVm.Create(ctx.Kvm, new TinyVmOptions());
        vm.Load(code);
        if (kind is "int80" or "int3")
        {
            ulong hd = code.Address(h);
            ulong lo = (hd & 0xFFFF) | ((ulong)GuestLayout.KernelCode << 16) | (0xEEUL << 40) | ((hd >> 16 & 0xFFFF) << 48);
            vm.Memory.WriteUInt64(new Gpa(GuestLayout.Idt + (ulong)vec * 16), lo);     // DPL3 interrupt gate
            vm.Memory.WriteUInt64(new Gpa(GuestLayout.Idt + (ulong)vec * 16 + 8), hd >> 32);
        }
        vm.Start(0, code.Address(entry), rdi: GuestLayout.SampleBuffer(0), r9: (ulong)(warm + iters));
        Affinity.PinCurrentThread(0);
        try { GuestRunner.RunToDone(ctx, vm, "trap"); } finally { Affinity.Unpin(); }
        Stats($"trap-{kind}-pad{pad}", GuestRunner.ReadSamplesNs(ctx, vm, 0, warm, iters), AllStats(vm, 0), $",\"kind\":\"{kind}\",\"pad\":{pad}");
    }

    // TSC-deadline lateness with the vCPU waiting halted at CPL0 (STI; HLT) or spinning at CPL0 in the emulator.
    static void Timer(ProbeContext ctx, string wait, int us, int iters)
    {
        var g = new GuestAssembler();
        var a = g.A;
        var entry = a.CreateLabel(); var loop = a.CreateLabel(); var w = a.CreateLabel(); var fired = a.CreateLabel();
                a.Label(ref entry);
        g.EmitApicEnable(false);
        a.mov(rsi, GuestLayout.ApicLvtTimer);
        a.mov(__dword_ptr[rsi], GuestLayout.VectorTimer | (2 << 17));
        a.mov(r10, GuestLayout.Ack);
        a.mov(rsi, GuestLayout.TimerDelta);
        a.mov(r13, __qword_ptr[rsi]);
        a.Label(ref loop);
        a.mov(rbx, __qword_ptr[r10]);
        g.EmitTsc();
        a.add(rax, r13);
        a.mov(r8, rax);
        a.mov(rdx, rax);
        a.shr(rdx, 32);
        a.mov(ecx, GuestLayout.MsrTscDeadline);
        a.wrmsr();
        if (wait == "hlt")
        {
            a.cli();
            a.Label(ref w);
            a.cmp(__qword_ptr[r10], rbx);
            a.jne(fired);
            a.sti();
            a.hlt();
            a.cli();
            a.jmp(w);
        }
        else
        {
            // spin at CPL0 with IF=1: the interrupt can only be taken where the emulator injects it
            a.sti();
            a.Label(ref w);
            a.cmp(__qword_ptr[r10], rbx);
            a.je(w);
            a.jmp(fired);
        }
        a.Label(ref fired);
        a.mov(rsi, GuestLayout.FiredTsc);
        a.mov(rax, __qword_ptr[rsi]);
        a.sub(rax, r8);
        a.mov(__qword_ptr[rdi], rax);
        a.add(rdi, 8);
        a.dec(r9);
        a.jnz(loop);
        g.EmitDone();
        g.Gate(GuestLayout.VectorTimer, g.EmitCountingHandler("timer", false, recordTsc: true));
        g.EmitExceptionStubs();
        var code = g.Assemble();
        int warm = 5;
        using var vm = TinyVm.Create(ctx.Kvm, new TinyVmOptions());
        ctx.TscKhz = ctx.TscKhz != 0 ? ctx.TscKhz : vm.Vcpus[0].TscKhz();
        vm.Memory.WriteUInt64(new Gpa(GuestLayout.TimerDelta), (ulong)(us * ctx.TscKhz / 1000));
        vm.Load(code);
        vm.Start(0, code.Address(entry), rdi: GuestLayout.SampleBuffer(0), r9: (ulong)(warm + iters));
        Affinity.PinCurrentThread(0);
        try { GuestRunner.RunToDone(ctx, vm, "timer"); } finally { Affinity.Unpin(); }
        Stats($"timer-{wait}-{us}us", GuestRunner.ReadSamplesNs(ctx, vm, 0, warm, iters), AllStats(vm, 0), $",\"wait\":\"{wait}\",\"deadline_us\":{us}");
    }

    // Sender at CPL3 stores the xAPIC ICR (MMIO); receiver spins at CPL0 (emulated), spins at CPL3, or halts at CPL0.
    // The receiver's handler runs `pad` NOPs before it counts the acknowledgement.
    static void Ipi(ProbeContext ctx, string rx, int pad, int iters)
    {
        var g = new GuestAssembler();
        var a = g.A;
        var rxEntry = a.CreateLabel(); var spin = a.CreateLabel(); var idle = a.CreateLabel();
        a.Label(ref rxEntry);
        g.EmitApicEnable(false);
        a.mov(rsi, GuestLayout.Ready);
        a.mov(__qword_ptr[rsi], 1);
        if (rx == "cpl0-spin") { a.sti(); a.Label(ref spin); a.nop(); a.jmp(spin); }
        else if (rx == "cpl3-spin") { g.EmitDropToUser(spin, 1, interrupts: true); a.Label(ref spin); a.pause(); a.jmp(spin); }
        else { a.Label(ref idle); a.sti(); a.hlt(); a.jmp(idle); }
        // handler: pad nops, then count, EOI, IRETQ
        var h = a.CreateLabel();
        a.Label(ref h);
        a.push(rax); a.push(rcx); a.push(rdx); a.push(rsi);
        for (int i = 0; i < pad; i++) a.nop();
        a.mov(rsi, GuestLayout.Ack);
        a.inc(__qword_ptr[rsi]);
        g.EmitEoi(false);
        a.pop(rsi); a.pop(rdx); a.pop(rcx); a.pop(rax);
        a.iretq();
        g.Gate(GuestLayout.VectorIpi, h);
        // sender
        var tx = a.CreateLabel(); var body = a.CreateLabel(); var ready = a.CreateLabel(); var loop = a.CreateLabel(); var wait = a.CreateLabel();
        a.Label(ref tx);
        g.EmitApicEnable(false);
        a.mov(rsi, GuestLayout.ApicIcrHigh);
        a.mov(__dword_ptr[rsi], 1 << 24);
        g.EmitDropToUser(body, 0, interrupts: false);
        a.Label(ref body);
        a.mov(r10, GuestLayout.Ready);
        a.Label(ref ready); a.pause(); a.cmp(__qword_ptr[r10], 0); a.je(ready);
        a.mov(r10, GuestLayout.Ack);
        a.mov(r11, GuestLayout.ApicIcrLow);
        a.Label(ref loop);
        a.mov(rbx, __qword_ptr[r10]);
        g.EmitTsc();
        a.mov(r8, rax);
        a.mov(__dword_ptr[r11], GuestLayout.VectorIpi);
        a.Label(ref wait); a.pause(); a.cmp(__qword_ptr[r10], rbx); a.je(wait);
        g.EmitTsc();
        a.sub(rax, r8);
        a.mov(__qword_ptr[rdi], rax);
        a.add(rdi, 8);
        a.dec(r9);
        a.jnz(loop);
        g.EmitDone();
        g.EmitExceptionStubs();
        var code = g.Assemble();
        int warm = 10;
        using var vm = TinyVm.Create(ctx.Kvm, new TinyVmOptions { Vcpus = 2 });
        vm.Load(code);
        vm.Start(0, code.Address(tx), rdi: GuestLayout.SampleBuffer(0), r9: (ulong)(warm + iters));
        vm.Start(1, code.Address(rxEntry));
        GuestRunner.RunPair(ctx, vm, "ipi");
        Stats($"ipi-{rx}-pad{pad}", GuestRunner.ReadSamplesNs(ctx, vm, 0, warm, iters), AllStats(vm, 1), $",\"rx\":\"{rx}\",\"pad\":{pad}");
    }
}
