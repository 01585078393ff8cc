using KvmLab.RealKvm.Guests;
using KvmLab.RealKvm.Interop;

namespace KvmLab.RealKvm.Probes;

/// <summary>
/// Cost of one exit of a kind, from CPL0 or CPL3: the guest times the instruction with the TSC;
/// the same loop without the exiting instruction is the overhead subtracted. Userspace exits
/// include this process's run loop turning around (the C# KVM_RUN loop, see bench/).
/// </summary>
public sealed class ExitProbe(ExitKind kind, bool cpl3) : IProbe
{
    public string Suite => "exits";

    public string Name => $"{Slug(kind)}-{(cpl3 ? "cpl3" : "cpl0")}";

    public ExitKind Kind => kind;

    public bool Cpl3 => cpl3;

    public string Description => kind switch
    {
        ExitKind.Cpuid => "CPUID leaf 0",
        ExitKind.Rdmsr => "RDMSR IA32_APIC_BASE (in-kernel)",
        ExitKind.Wrmsr => "WRMSR IA32_TSC_DEADLINE=0 (in-kernel LAPIC)",
        ExitKind.PioUser => "OUT to a port with no device: exit to userspace",
        ExitKind.MmioUser => "MMIO write without RAM: exit to userspace",
        ExitKind.PioEventfd => "OUT to an ioeventfd port (in-kernel)",
        ExitKind.MmioEventfd => "MMIO write to an ioeventfd (in-kernel)",
        _ => kind.ToString(),
    } + (cpl3 ? ", from CPL3" : ", from CPL0");

    private static string Slug(ExitKind k) => k switch
    {
        ExitKind.Cpuid => "cpuid",
        ExitKind.Rdmsr => "rdmsr",
        ExitKind.Wrmsr => "wrmsr",
        ExitKind.PioUser => "pio-user",
        ExitKind.MmioUser => "mmio-user",
        ExitKind.PioEventfd => "pio-ioeventfd",
        ExitKind.MmioEventfd => "mmio-ioeventfd",
        _ => k.ToString().ToLowerInvariant(),
    };

    public ProbeResult Run(ProbeContext ctx)
    {
        if (cpl3 && !ExitLoopGuest.AllowedAtCpl3(kind))
        {
            return ProbeResult.Skipped(Suite, Name, Description, "RDMSR/WRMSR are privileged: #GP at CPL3");
        }

        if (kind is ExitKind.PioEventfd or ExitKind.MmioEventfd && ctx.Kvm.CheckExtension(KvmCap.Ioeventfd) == 0)
        {
            return ProbeResult.Skipped(Suite, Name, Description, "KVM_CAP_IOEVENTFD not supported");
        }

        // Ring 0 is emulated instruction by instruction on PVM: far fewer samples there.
        int n = cpl3 ? ctx.Samples : Math.Max(20, ctx.Samples / 10);
        int warm = ProbeContext.WarmupFor(n);
        double[] baseline = Measure(ctx, baseline: true, warm, n).Samples;
        (double[] Samples, Dictionary<string, ulong> Counters) op;
        try
        {
            op = Measure(ctx, baseline: false, warm, n);
        }
        catch (KvmException e) when (cpl3 && kind is ExitKind.PioUser or ExitKind.PioEventfd && e.Message.Contains("#GP", StringComparison.Ordinal))
        {
            return ProbeResult.Skipped(Suite, Name, Description, "IN/OUT at CPL3 raised #GP even with IOPL 3 on this KVM (tried)");
        }

        double overhead = SampleSummary.Of(baseline).Median;
        ProbeResult r = ProbeResult.Measured(Suite, Name, Description, [.. op.Samples.Select(x => x - overhead)], overhead) with { Counters = op.Counters };
        if (op.Counters.TryGetValue("exits", out ulong exits))
        {
            // KVM's per-vCPU "exits" statistic tells whether the instruction really left the guest.
            bool confirmed = exits >= (ulong)(warm + n);
            r = r with
            {
                ExitsConfirmed = confirmed,
                Note = confirmed ? "" : $"KVM counted {exits} exits for {warm + n} iterations: this instruction did not exit to KVM here (handled by the ring-0 emulator or below KVM)",
            };
        }

        return r;
    }

    private (double[] Samples, Dictionary<string, ulong> Counters) Measure(ProbeContext ctx, bool baseline, int warm, int n)
    {
        using TinyVm vm = TinyVm.Create(ctx.Kvm, new TinyVmOptions { Irqchip = IrqchipMode.Full });
        using var evt = new EventFd(nonBlocking: true);
        if (kind == ExitKind.MmioEventfd)
        {
            vm.Vm.Ioeventfd(evt, GuestLayout.EventMmio, 4, pio: false);
        }
        else if (kind == ExitKind.PioEventfd)
        {
            vm.Vm.Ioeventfd(evt, GuestLayout.EventPort, 1, pio: true);
        }

        ExitLoopGuest g = ExitLoopGuest.Build(kind, cpl3, baseline);
        vm.Load(g.Code);
        vm.Start(0, g.Entry, rdi: GuestLayout.SampleBuffer(0), r9: (ulong)(warm + n));
        GuestRunner.RunToDone(ctx, vm, Name);
        return (GuestRunner.ReadSamplesNs(ctx, vm, 0, warm, n), GuestRunner.Counters(vm, 0));
    }
}
