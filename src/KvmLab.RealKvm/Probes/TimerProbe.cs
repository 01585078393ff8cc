using KvmLab.RealKvm.Guests;
using KvmLab.RealKvm.Interop;

namespace KvmLab.RealKvm.Probes;

/// <summary>
/// TSC-deadline timer lateness (handler entry minus deadline) for one deadline, optionally with a
/// per-VM halt-polling window (KVM_CAP_HALT_POLL) or HLT exits disabled (KVM_CAP_X86_DISABLE_EXITS).
/// The lateness includes waking the halted vCPU, injecting the interrupt and the handler's first
/// instructions; on PVM that handler is emulated ring 0.
/// </summary>
public sealed class TimerProbe(string name, double deadlineUs, ulong? haltPollNs, bool disableHltExits) : IProbe
{
    /// <summary>KVM_X86_DISABLE_EXITS_HLT (include/uapi/linux/kvm.h).</summary>
    private const ulong DisableHlt = 2;

    public string Suite => "timer";

    public string Name => name;

    public double DeadlineUs => deadlineUs;

    public ulong? HaltPollNs => haltPollNs;

    public string Description =>
        $"TSC-deadline lateness, deadline {deadlineUs:0} us, halt polling {(haltPollNs is ulong p ? $"{p / 1000.0:0} us (KVM_CAP_HALT_POLL)" : "module default")}"
        + (disableHltExits ? ", HLT exits disabled" : "");

    public ProbeResult Run(ProbeContext ctx)
    {
        if (ctx.Kvm.CheckExtension(KvmCap.TscDeadlineTimer) == 0)
        {
            return ProbeResult.Skipped(Suite, Name, Description, "KVM_CAP_TSC_DEADLINE_TIMER not supported");
        }

        if (haltPollNs is not null && ctx.Kvm.CheckExtension(KvmCap.HaltPoll) == 0)
        {
            return ProbeResult.Skipped(Suite, Name, Description, "KVM_CAP_HALT_POLL not supported");
        }

        if (disableHltExits && (ctx.Kvm.CheckExtension(KvmCap.X86DisableExits) & (int)DisableHlt) == 0)
        {
            return ProbeResult.Skipped(Suite, Name, Description, "KVM_CAP_X86_DISABLE_EXITS does not offer HLT");
        }

        int n = Math.Max(30, ctx.Samples / 40);
        int warm = ProbeContext.WarmupFor(n);
        using TinyVm vm = TinyVm.Create(ctx.Kvm, new TinyVmOptions { HaltPollNs = haltPollNs, DisableExits = disableHltExits ? DisableHlt : 0 });
        ctx.TscKhz = ctx.TscKhz != 0 ? ctx.TscKhz : vm.Vcpus[0].TscKhz();
        vm.Memory.WriteUInt64(new Gpa(GuestLayout.TimerDelta), (ulong)(deadlineUs * ctx.TscKhz / 1000));
        TimerGuest g = TimerGuest.Build();
        vm.Load(g.Code);
        vm.Start(0, g.Entry, rdi: GuestLayout.SampleBuffer(0), r9: (ulong)(warm + n));
        GuestRunner.RunToDone(ctx, vm, Name);
        return ProbeResult.Measured(Suite, Name, Description, GuestRunner.ReadSamplesNs(ctx, vm, 0, warm, n), 0) with { Counters = GuestRunner.Counters(vm, 0), CountersVcpu = 0 };
    }
}
