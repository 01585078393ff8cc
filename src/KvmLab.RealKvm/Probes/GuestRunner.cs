using KvmLab.RealKvm.Exits;
using KvmLab.RealKvm.Guests;

namespace KvmLab.RealKvm.Probes;

/// <summary>Helpers the probes share: run vCPUs on their own threads with the watchdog, read samples.</summary>
public static class GuestRunner
{
    /// <summary>Runs vCPU 0 on the calling thread until the guest's done doorbell.</summary>
    public static void RunToDone(ProbeContext ctx, TinyVm vm, string probe, Action<VcpuExit>? onUserExit = null)
    {
        ctx.TscKhz = ctx.TscKhz != 0 ? ctx.TscKhz : vm.Vcpus[0].TscKhz();
        new VcpuRunner(vm.Vcpus[0], probe).Run(ProbeExits.Handler(probe, onUserExit), ctx.Timeout, ctx.Cancel);
    }

    /// <summary>
    /// Runs vCPU 1 (a receiver that never finishes by itself) on a background thread pinned away
    /// from vCPU 0, runs vCPU 0 to done on the calling thread, then stops vCPU 1 and joins it.
    /// </summary>
    public static void RunPair(ProbeContext ctx, TinyVm vm, string probe)
    {
        ctx.TscKhz = ctx.TscKhz != 0 ? ctx.TscKhz : vm.Vcpus[0].TscKhz();
        var receiver = new VcpuRunner(vm.Vcpus[1], probe);
        Exception? receiverError = null;
        var t = new Thread(() =>
        {
            try
            {
                Affinity.PinCurrentThread(1);
                receiver.Run(ProbeExits.Handler(probe), ctx.Timeout + TimeSpan.FromSeconds(5), ctx.Cancel);
            }
            catch (Exception e) when (e is KvmException or VcpuStuckException or OperationCanceledException)
            {
                receiverError = e;
            }
        }) { IsBackground = true, Name = $"{probe} vCPU 1" };
        t.Start();
        try
        {
            Affinity.PinCurrentThread(0);
            new VcpuRunner(vm.Vcpus[0], probe).Run(ProbeExits.Handler(probe), ctx.Timeout, ctx.Cancel);
        }
        finally
        {
            receiver.Stop();
            t.Join();
            Affinity.Unpin();
        }

        if (receiverError is not null and not OperationCanceledException)
        {
            throw new KvmException($"{probe}: receiver vCPU 1: {receiverError.Message}", receiverError);
        }
    }

    private static readonly string[] CounterNames =
    [
        "exits", "io_exits", "mmio_exits", "irq_exits", "halt_exits", "signal_exits", "request_irq_exits",
        "irq_injections", "halt_attempted_poll", "halt_successful_poll", "halt_poll_invalid", "halt_wakeup",
    ];

    /// <summary>The counters of <see cref="CounterNames"/> that vCPU <paramref name="vcpu"/> reports, or none.</summary>
    public static Dictionary<string, ulong> Counters(TinyVm vm, int vcpu)
    {
        Dictionary<string, ulong>? all = vm.Vcpus[vcpu].Stats();
        var picked = new Dictionary<string, ulong>(StringComparer.Ordinal);
        foreach (string name in CounterNames)
        {
            if (all is not null && all.TryGetValue(name, out ulong v))
            {
                picked[name] = v;
            }
        }

        return picked;
    }

    /// <summary>Samples are TSC deltas, read as signed (a lateness could in principle be negative).</summary>
    public static double[] ReadSamplesNs(ProbeContext ctx, TinyVm vm, int vcpu, int skip, int count)
    {
        var ns = new double[count];
        for (int i = 0; i < count; i++)
        {
            long ticks = (long)vm.Memory.ReadUInt64(new Gpa(GuestLayout.SampleBuffer(vcpu) + ((ulong)(skip + i) * 8)));
            ns[i] = ctx.TicksToNs(ticks);
        }

        return ns;
    }
}
