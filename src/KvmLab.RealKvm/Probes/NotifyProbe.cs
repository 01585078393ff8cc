using KvmLab.RealKvm.Guests;
using KvmLab.RealKvm.Interop;

namespace KvmLab.RealKvm.Probes;

/// <summary>
/// Doorbell-to-interrupt latency through ioeventfd + irqfd (host thread blocking or busy-polling)
/// versus a userspace exit + KVM_SIGNAL_MSI (Documentation/virt/kvm/api.rst 4.59, 4.75, 4.71).
/// The MSI targets APIC ID 0, vector 0x42, fixed delivery (address 0xFEE00000, data = vector).
/// </summary>
public sealed class NotifyProbe(NotifyPath path) : IProbe
{
    private const uint Gsi = 24;
    private const uint MsiAddress = 0xFEE0_0000;

    public string Suite => "notify";

    public string Name => path switch
    {
        NotifyPath.IoeventfdIrqfdBlocking => "ioeventfd-irqfd-blocking",
        NotifyPath.IoeventfdIrqfdBusyPoll => "ioeventfd-irqfd-busypoll",
        _ => "exit-signal-msi",
    };

    public string Description => path switch
    {
        NotifyPath.IoeventfdIrqfdBlocking => "doorbell->interrupt: ioeventfd, host thread blocked in read(), irqfd",
        NotifyPath.IoeventfdIrqfdBusyPoll => "doorbell->interrupt: ioeventfd, host thread busy-polling, irqfd",
        _ => "doorbell->interrupt: MMIO exit to userspace, KVM_SIGNAL_MSI, re-entry",
    };

    public ProbeResult Run(ProbeContext ctx)
    {
        KvmCap[] needed = path == NotifyPath.ExitSignalMsi ? [KvmCap.SignalMsi] : [KvmCap.Ioeventfd, KvmCap.Irqfd, KvmCap.IrqRouting];
        foreach (KvmCap cap in needed)
        {
            if (ctx.Kvm.CheckExtension(cap) == 0)
            {
                return ProbeResult.Skipped(Suite, Name, Description, $"KVM_CAP_{cap} not supported");
            }
        }

        int n = Math.Max(50, ctx.Samples / 4);
        int warm = ProbeContext.WarmupFor(n);
        using TinyVm vm = TinyVm.Create(ctx.Kvm, new TinyVmOptions());
        NotifyGuest g = NotifyGuest.Build(path == NotifyPath.ExitSignalMsi ? GuestLayout.UserMmio : GuestLayout.EventMmio);
        vm.Load(g.Code);
        vm.Start(0, g.Entry, rdi: GuestLayout.SampleBuffer(0), r9: (ulong)(warm + n));
        if (path == NotifyPath.ExitSignalMsi)
        {
            Affinity.PinCurrentThread(0);
            try
            {
                GuestRunner.RunToDone(ctx, vm, Name, _ => vm.Vm.SignalMsi(MsiAddress, GuestLayout.VectorNotify));
            }
            finally
            {
                Affinity.Unpin();
            }
        }
        else
        {
            RunWithHelper(ctx, vm, busyPoll: path == NotifyPath.IoeventfdIrqfdBusyPoll);
        }

        return ProbeResult.Measured(Suite, Name, Description, GuestRunner.ReadSamplesNs(ctx, vm, 0, warm, n), 0) with { Counters = GuestRunner.Counters(vm, 0), CountersVcpu = 0 };
    }

    private void RunWithHelper(ProbeContext ctx, TinyVm vm, bool busyPoll)
    {
        using var doorbell = new EventFd(nonBlocking: busyPoll);
        using var irq = new EventFd(nonBlocking: false);
        vm.Vm.SetMsiRoute(Gsi, MsiAddress, GuestLayout.VectorNotify);
        vm.Vm.Irqfd(irq, Gsi);
        vm.Vm.Ioeventfd(doorbell, GuestLayout.EventMmio, 4, pio: false);
        bool stop = false;
        var helper = new Thread(() =>
        {
            Affinity.PinCurrentThread(1);
            while (!Volatile.Read(ref stop))
            {
                // Blocking: read(2) sleeps until the guest's store signals the eventfd.
                // Busy-poll: non-blocking read(2) returns 0 until then.
                if (doorbell.Read() != 0 && !Volatile.Read(ref stop))
                {
                    irq.Signal();
                }
            }
        }) { IsBackground = true, Name = $"{Name} host notifier" };
        helper.Start();
        Affinity.PinCurrentThread(0);
        try
        {
            GuestRunner.RunToDone(ctx, vm, Name);
        }
        finally
        {
            Volatile.Write(ref stop, true);
            doorbell.Signal();   // wake a blocked reader so it sees stop
            helper.Join();
            Affinity.Unpin();
        }
    }
}
