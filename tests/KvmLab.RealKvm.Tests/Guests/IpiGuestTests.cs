using KvmLab.RealKvm.Guests;
using KvmLab.RealKvm.Probes;

namespace KvmLab.RealKvm.Tests.Guests;

public class IpiGuestTests
{
    [KvmTheory]
    [InlineData(IpiSend.X2ApicMsrCpl0, true, IrqchipMode.Full)]
    [InlineData(IpiSend.XapicMmioCpl0, true, IrqchipMode.Full)]
    [InlineData(IpiSend.XapicMmioCpl3, false, IrqchipMode.Full)]
    [InlineData(IpiSend.XapicMmioCpl3, true, IrqchipMode.Split)]
    public void PingPong_EveryIpiAcknowledged_OnlyDoneExits(IpiSend send, bool halted, IrqchipMode irqchip)
    {
        const int n = 20;
        using Kvm kvm = Kvm.Open();
        using TinyVm vm = TinyVm.Create(kvm, new TinyVmOptions { Vcpus = 2, Irqchip = irqchip, X2Apic = IpiGuest.UsesX2Apic(send) });
        IpiGuest g = IpiGuest.Build(send, halted);
        vm.Load(g.Code);
        vm.Start(0, g.SenderEntry, rdi: GuestLayout.SampleBuffer(0), r9: n);
        vm.Start(1, g.ReceiverEntry);
        var ctx = new ProbeContext(kvm, 100, CancellationToken.None) { Timeout = TimeSpan.FromSeconds(5) };

        GuestRunner.RunPair(ctx, vm, "test"); // throws on any exit other than the sender's done doorbell

        Assert.Equal((ulong)n, vm.Memory.ReadUInt64(new Gpa(GuestLayout.Ack)));
        Assert.Equal(1UL, vm.Memory.ReadUInt64(new Gpa(GuestLayout.Ready)));
        double[] rtt = GuestRunner.ReadSamplesNs(ctx, vm, 0, 0, n);
        Assert.All(rtt, x => Assert.InRange(x, 1, 1e9));
    }
}
