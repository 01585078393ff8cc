using KvmLab.Engine.Time;
using KvmLab.Model.Hardware;
using KvmLab.Model.Kvm.Pvm;

namespace KvmLab.Calibration.Pvm;

/// <summary>
/// The model of each `kvmlab probe` measurement on a PVM host (docs/PVM.md 3.1, 4.2-4.4): the probe
/// guests' code as instruction counts by class (counted from src/KvmLab.RealKvm/Guests: IpiGuest,
/// TimerGuest, NotifyGuest, GuestAssembler.EmitCountingHandler), run through the PVM flavour's
/// rules (Model/Kvm/Pvm): ring-0 code in the emulator, native ring 3 exits, injection points, the
/// kick and the wakeup, the host timer path. The IPI probes are timed event by event
/// (<see cref="PvmPingPong"/>), so whether the receiver blocks or is kicked follows from the timing.
/// </summary>
public static class PvmProbeModel
{
    // Receiver's counting handler: push x4, mov rsi,imm, inc [rsi] (the count the sender waits for).
    private static readonly GuestCode Head = new(Alu: 1, Store: 4, Rmw: 1);

    // xAPIC tail: mov rsi,imm, EOI store, pop x4, iretq. x2APIC: mov ecx, xor x2, wrmsr EOI, pop x4, iretq.
    private static readonly GuestCode TailXapic = new(Alu: 1, Store: 1, Load: 4, Iret: 1);
    private static readonly GuestCode TailX2apic = new(Alu: 4, Load: 4, Iret: 1);

    // Receiver's idle loop after the IRETQ: jmp, sti, hlt.
    private static readonly GuestCode IdleLoop = new(Alu: 3);

    // Sender, from the opening RDTSC to the ICR write: shl, or, mov r8 and, x2APIC, mov ecx/eax/edx + wrmsr; xAPIC, the ICR store.
    private static readonly GuestCode SendX2apic = new(Alu: 7);
    private static readonly GuestCode SendXapic = new(Alu: 3, Store: 1);

    // Sender's wait loop pass (pause, cmp [m], je), closing read (lfence, rdtsc), and the gap to the
    // next opening read (shl, or, sub, sample store, add, dec, jnz, ack load, lfence, rdtsc).
    private static readonly GuestCode WaitPass = new(Alu: 2, Load: 1);
    private static readonly GuestCode Closing = new(Alu: 2);
    private static readonly GuestCode Gap = new(Alu: 8, Load: 1, Store: 1);

    // Timer probe: from the RDTSC to HLT (shl, or, add, mov, mov, shr, mov ecx, wrmsr, cli, cmp [m], jne, sti, hlt);
    // the handler to its RDTSC (push x4, rdtsc).
    private static readonly GuestCode ArmToHlt = new(Alu: 12, Load: 1);
    private static readonly GuestCode TimerHead = new(Alu: 1, Store: 4);

    /// <summary>The probes this model predicts, by id (suite/name).</summary>
    public static IReadOnlyList<string> Probes { get; } =
    [
        "exits/cpuid-cpl3", "exits/mmio-user-cpl3", "exits/mmio-ioeventfd-cpl3",
        "exits/cpuid-cpl0", "exits/rdmsr-cpl0", "exits/wrmsr-cpl0", "exits/pio-user-cpl0", "exits/mmio-user-cpl0",
        "exits/pio-ioeventfd-cpl0", "exits/mmio-ioeventfd-cpl0",
        "ipi/x2apic-msr-cpl0-halted", "ipi/xapic-mmio-cpl0-halted", "ipi/xapic-mmio-cpl3-halted", "ipi/xapic-mmio-cpl3-spinning",
        "ipi/x2apic-msr-cpl0-spinning", "ipi/xapic-mmio-cpl3-halted-split",
        "timer/deadline-10us", "timer/deadline-50us", "timer/deadline-200us", "timer/deadline-1000us",
        "timer/halt-poll-0us", "timer/halt-poll-10us", "timer/halt-poll-100us", "timer/halt-poll-1000us", "timer/halt-poll-default",
        "timer/disable-hlt-exits",
        "notify/ioeventfd-irqfd-blocking", "notify/ioeventfd-irqfd-busypoll", "notify/exit-signal-msi",
    ];

    /// <summary>
    /// The five in-kernel exit probes at CPL0 time one emulated instruction (0.5-1 us) as the
    /// difference of two loops run in two VMs at two moments: their run-to-run spread exceeds their
    /// value (docs/PVM.md 2.1, 4.4), so a report shows them apart.
    /// </summary>
    public static bool NoiseDominated(string probe) => probe is "exits/cpuid-cpl0" or "exits/rdmsr-cpl0" or "exits/wrmsr-cpl0"
        or "exits/pio-ioeventfd-cpl0" or "exits/mmio-ioeventfd-cpl0";

    public static bool Knows(string probe) => Probes.Contains(probe);

    /// <summary>
    /// The model's median for <paramref name="probe"/> on the PVM profile <paramref name="p"/>, in ns,
    /// under the run's conditions (halt-poll parameters and whether polls ran; default: the
    /// afternoon host's, polls abort).
    /// </summary>
    public static double PredictNs(string probe, CostProfile p, PvmRunConditions? run = null)
    {
        ArgumentNullException.ThrowIfNull(p);
        ArgumentNullException.ThrowIfNull(probe);
        PvmHaltPolling polling = (run ?? PvmRunConditions.Default).PollingFor(probe);
        if (p.Vendor != CpuVendor.Pvm)
        {
            throw new ArgumentException($"profile '{p.Id}' is not a PVM profile; the probe model is PVM's", nameof(p));
        }

        PvmCosts c = p.Pvm;
        double a = c.EmulatedAlu.Ns, s = c.EmulatedStore.Ns;
        double inject = c.InterruptInject.Ns;
        double Native(double ns) => ns;
        return probe switch
        {
            // CPL0: the instruction is emulated inside the batch, no exit; the probe subtracts a loop without it
            // (a NOP in the MMIO store's baseline).
            "exits/cpuid-cpl0" or "exits/rdmsr-cpl0" or "exits/wrmsr-cpl0" or "exits/pio-ioeventfd-cpl0" => a,
            "exits/mmio-ioeventfd-cpl0" => s - a,
            "exits/pio-user-cpl0" => a + c.UserExit.Ns,
            "exits/mmio-user-cpl0" => s - a + c.UserExit.Ns,

            // CPL3, native: CPUID goes to L0; MMIO faults into the shadow MMU (and on to the VMM).
            "exits/cpuid-cpl3" => Native(c.L0Exit.Ns),
            "exits/mmio-ioeventfd-cpl3" => c.NativeExit.Ns,
            "exits/mmio-user-cpl3" => c.NativeExit.Ns + c.UserExit.Ns + c.UserExitNativeReload.Ns,

            "ipi/x2apic-msr-cpl0-halted" => Ipi(p, true, SendX2apic, PvmReceiverRest.HaltRing0, TailX2apic, polling),
            "ipi/xapic-mmio-cpl0-halted" => Ipi(p, true, SendXapic, PvmReceiverRest.HaltRing0, TailXapic, polling),
            "ipi/xapic-mmio-cpl3-halted" or "ipi/xapic-mmio-cpl3-halted-split" => Ipi(p, false, SendXapic, PvmReceiverRest.HaltRing0, TailXapic, polling),
            "ipi/xapic-mmio-cpl3-spinning" => Ipi(p, false, SendXapic, PvmReceiverRest.SpinNativeRing3, TailXapic, polling),
            "ipi/x2apic-msr-cpl0-spinning" => Ipi(p, true, SendX2apic, PvmReceiverRest.SpinNativeRing3, TailX2apic, polling),

            // HLT at CPL0 is emulated whether or not HLT exits are disabled, so every timer probe
            // halts into kvm_vcpu_block; the halt-poll probes differ only in the window's maximum.
            // Whether a poll catches the expiry follows from the window rule and the run's
            // conditions (PvmRunConditions: on the afternoon host every poll aborted).
            "timer/deadline-10us" => Timer(p, 10, polling),
            "timer/deadline-50us" or "timer/halt-poll-0us" or "timer/halt-poll-10us" or "timer/halt-poll-100us"
                or "timer/halt-poll-1000us" or "timer/halt-poll-default" or "timer/disable-hlt-exits" => Timer(p, 50, polling),
            "timer/deadline-200us" => Timer(p, 200, polling),
            "timer/deadline-1000us" => Timer(p, 1000, polling),

            // The CPL3 loop's doorbell store is a native MMIO exit; the host thread signals the irqfd;
            // the vCPU (native again) is kicked; the loop sees the count only after the IRETQ.
            "notify/ioeventfd-irqfd-busypoll" => c.NativeExit.Ns + c.NativeKick.Ns + inject + Handler(c),
            "notify/ioeventfd-irqfd-blocking" => c.NativeExit.Ns + p.ThreadWakeup.Ns + c.NativeKick.Ns + inject + Handler(c),
            "notify/exit-signal-msi" => c.NativeExit.Ns + c.UserExit.Ns + c.UserExitNativeReload.Ns + inject + Handler(c),
            _ => throw new ArgumentException($"no PVM model of probe '{probe}'", nameof(probe)),
        };
    }

    private static double Handler(PvmCosts c) => (Head + TailXapic).Emulated(c).Ns;

    private static double Ipi(CostProfile p, bool ring0Sender, GuestCode send, PvmReceiverRest rest, GuestCode tail, PvmHaltPolling polling) =>
        PvmPingPong.Run(new PvmPingPongSpec(ring0Sender, send, Gap, WaitPass, Closing, rest, Head, tail, IdleLoop, polling), p).MedianRoundTrip.Ns;

    /// <summary>
    /// TSC-deadline lateness: the vCPU blocks after the arm sequence and the host hrtimer expires
    /// (no preemption timer on PVM). Asleep, the pCPU went idle and the expiry pays its idle exit
    /// (<see cref="PvmInterrupts.TimerExpiry"/>); polling (the adapted window covers the wait and
    /// the poll was not aborted), the thread is running and sees the expiry at once. Then the
    /// injection and the handler to its TSC read.
    /// </summary>
    private static double Timer(CostProfile p, double deadlineUs, PvmHaltPolling polling)
    {
        PvmCosts c = p.Pvm;
        double arm = ArmToHlt.Emulated(c).Ns;
        double idle = (deadlineUs * 1000) - arm;
        double expiry;
        if (idle <= 0)
        {
            expiry = Math.Max(-idle, p.HostTimerInterrupt.Ns); // expired while the arm sequence still ran: taken at HLT, no wakeup
        }
        else
        {
            SimSpan wait = SimSpan.FromNanoseconds(idle);
            expiry = polling.Polls(wait) ? PvmInterrupts.TimerExpiryWhilePolling(p).Ns : PvmInterrupts.TimerExpiry(p, wait).Ns;
        }

        return expiry + c.InterruptInject.Ns + TimerHead.Emulated(c).Ns;
    }
}
