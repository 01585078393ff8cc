using KvmLab.RealKvm.Guests;
using KvmLab.RealKvm.Interop;

namespace KvmLab.RealKvm.Probes;

/// <summary>
/// IPI round trip between two vCPUs (send, receiver's handler runs and acknowledges, sender sees
/// it), by ICR access mode, receiver state and irqchip. A whole round trip: no overhead is
/// subtracted (the TSC reads are a few ns against tens of microseconds).
/// </summary>
public sealed class IpiProbe(IpiSend send, bool receiverHalted, IrqchipMode irqchip) : IProbe
{
    public string Suite => "ipi";

    public string Name => (send switch
    {
        IpiSend.X2ApicMsrCpl0 => "x2apic-msr-cpl0",
        IpiSend.XapicMmioCpl0 => "xapic-mmio-cpl0",
        _ => "xapic-mmio-cpl3",
    }) + (receiverHalted ? "-halted" : "-spinning") + (irqchip == IrqchipMode.Split ? "-split" : "");

    public string Description =>
        $"IPI round trip, ICR by {(IpiGuest.UsesX2Apic(send) ? "x2APIC WRMSR" : "xAPIC MMIO")} from {(send == IpiSend.XapicMmioCpl3 ? "CPL3" : "CPL0")}, "
        + $"receiver {(receiverHalted ? "halted (HLT)" : "spinning at CPL3")}, {(irqchip == IrqchipMode.Split ? "split" : "full")} irqchip";

    public ProbeResult Run(ProbeContext ctx)
    {
        if (irqchip == IrqchipMode.Split && ctx.Kvm.CheckExtension(KvmCap.SplitIrqchip) == 0)
        {
            return ProbeResult.Skipped(Suite, Name, Description, "KVM_CAP_SPLIT_IRQCHIP not supported");
        }

        if (ctx.Kvm.CheckExtension(KvmCap.Irqchip) == 0)
        {
            return ProbeResult.Skipped(Suite, Name, Description, "KVM_CAP_IRQCHIP not supported");
        }

        int n = Math.Max(50, ctx.Samples / 10);
        int warm = ProbeContext.WarmupFor(n);
        using TinyVm vm = TinyVm.Create(ctx.Kvm, new TinyVmOptions { Vcpus = 2, Irqchip = irqchip, X2Apic = IpiGuest.UsesX2Apic(send) });
        IpiGuest g = IpiGuest.Build(send, receiverHalted);
        vm.Load(g.Code);
        vm.Start(0, g.SenderEntry, rdi: GuestLayout.SampleBuffer(0), r9: (ulong)(warm + n));
        vm.Start(1, g.ReceiverEntry);
        GuestRunner.RunPair(ctx, vm, Name);
        return ProbeResult.Measured(Suite, Name, Description, GuestRunner.ReadSamplesNs(ctx, vm, 0, warm, n), 0) with { Counters = GuestRunner.Counters(vm, 1), CountersVcpu = 1 };
    }
}
