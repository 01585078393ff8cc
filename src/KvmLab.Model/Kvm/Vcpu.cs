using KvmLab.Engine.Events;
using KvmLab.Engine.Random;
using KvmLab.Engine.Time;
using KvmLab.Engine.Tracing;
using KvmLab.Model.Guest;
using KvmLab.Model.HostOs;
using KvmLab.Model.Invariants;
using KvmLab.Model.Kvm.Exits;

namespace KvmLab.Model.Kvm;

/// <summary>
/// A vCPU: a host thread that runs guest code, exits, and halts. The host side of every exit is
/// a sequence of phases whose costs come from the <see cref="Hardware.CostProfile"/>, in the
/// order Linux 5.8+ runs them (MECHANISMS.md section 1; arch/x86/kvm/vmx/vmx.c vmx_vcpu_run,
/// arch/x86/kvm/x86.c vcpu_enter_guest):
/// VM exit -> [ICR fastpath with IRQs off] -> IRQ enable -> [dispatch -> handler] ->
/// preemption point -> run loop -> VM entry. HLT continues into kvm_vcpu_block with halt
/// polling (virt/kvm/kvm_main.c).
/// </summary>
public sealed partial class Vcpu : HostThread, IEventHandler
{
    private const int KindPhaseDone = 1;
    private const int KindPiNotify = 2;
    private const int KindPollDetect = 3;
    private const int KindKickExit = 4;
    private const int KindTimerWake = 5;
    private const int KindStart = 6;
    private const int KindWakeupVector = 7;

    private readonly HostContext _host;
    private readonly SimTimer _pollTimeout;
    private readonly RngStream _rng;
    private readonly TraceTrack _track;
    private readonly ulong[] _pending = new ulong[4];

    private Phase _phase;
    private ExitInfo _exit;
    private ExitHandling _handling;
    private bool _exitOpen;
    private SimTime _exitStart;
    private bool _exitFastpath;
    private bool _reenter;
    private uint _pleWindowCycles;
    private long _phaseGen;
    private SimTime _blockStart;
    private SimTime _pollStart;
    private SimTime _modeSince;
    private string _spanName = "";

    internal Vcpu(HostContext host, Vm vm, int index, int? pinnedCpu)
        : base($"vm{vm.Id}/vcpu{index}", host.NextThreadId())
    {
        _host = host;
        Vm = vm;
        Index = index;
        PinnedCpu = pinnedCpu;
        _pollTimeout = new SimTimer(host.Sim, OnPollTimeout);
        _rng = host.Rng.Get($"vm{vm.Id}/vcpu{index}/kvm");
        _track = new TraceTrack(vm.Id + 1, index);
        Timer = new LapicTimer(host, this);
        Ledger = new TimeLedger(Enum.GetValues<VcpuTime>().Length, (int)VcpuTime.NotStarted, host.Sim.Now);
        _modeSince = host.Sim.Now;
        _pleWindowCycles = vm.Config.Ple.Window;
        if (host.Trace.Enabled)
        {
            host.Trace.DefineTrack(_track, $"VM {vm.Id}", $"vCPU {index}");
        }
    }

    private enum Phase
    {
        None,
        VmExit,
        Fastpath,
        IrqEnable,
        Dispatch,
        Handler,
        EnterLoop,
        VmEntry,
        EnterLoopAndEntry,
        BlockExit,
    }

    public Vm Vm { get; }

    /// <summary>The host this vCPU runs on (its clock, costs and scheduler), for the exit handlers.</summary>
    internal HostContext Host => _host;

    public int Index { get; }

    /// <summary>The x2APIC / physical APIC id.</summary>
    public uint ApicId => (uint)Index;

    public GuestCpu Guest { get; internal set; } = null!;

    public VcpuMode Mode { get; private set; } = VcpuMode.Created;

    public VcpuStats Stats { get; } = new();

    /// <summary>Where this vCPU's time went, for the conservation checks (<see cref="InvariantChecker"/>).</summary>
    public TimeLedger Ledger { get; }

    /// <summary>Guest-mode time so far as the KVM statistics count it, the open span included.</summary>
    public SimSpan GuestTimeSoFar => Stats.GuestTime + (Mode == VcpuMode.InGuest ? _host.Sim.Now - _modeSince : SimSpan.Zero);

    /// <summary>
    /// MSR_KVM_POLL_CONTROL bit 0 (arch/x86/kvm/x86.c, kvm_arch_no_poll): 1, the default, lets KVM
    /// halt-poll this vCPU; the guest's cpuidle-haltpoll driver writes 0 (arch_haltpoll_enable),
    /// since it polls in the guest itself.
    /// </summary>
    public bool HostHaltPollAllowed { get; private set; } = true;

    /// <summary>The guest's WRMSR to MSR_KVM_POLL_CONTROL (done once, at driver load, before the run).</summary>
    internal void WritePollControl(bool hostPoll) => HostHaltPollAllowed = hostPoll;

    /// <summary>This vCPU's halt_poll_ns (grown and shrunk by the halt-poll policy).</summary>
    public SimSpan HaltPollWindow { get; private set; }

    public bool HasPendingInterrupt => (_pending[0] | _pending[1] | _pending[2] | _pending[3]) != 0;

    /// <summary>The host side of this vCPU's LAPIC timer.</summary>
    public LapicTimer Timer { get; }

    /// <summary>AVIC's IsRunning bit: set while loaded on a pCPU, cleared by svm_vcpu_blocking and vcpu_put.</summary>
    public bool AvicIsRunning => Mode is VcpuMode.InGuest or VcpuMode.InHost;

    /// <summary>kvm_arch_vcpu_runnable for a halted vCPU: an interrupt, a timer expiry or a PV unhalt is pending.</summary>
    private bool HasWork => HasPendingInterrupt || Timer.Pending || PvUnhalted;

    /// <summary>vcpu->ready: a candidate for directed yield (set when preempted, and on wakeup with ReadyOnWakeup; cleared when scheduled in).</summary>
    public bool Ready { get; private set; }

    /// <summary>vcpu->preempted, also the steal-time preempted flag the guest reads (vcpu_is_preempted).</summary>
    public bool Preempted { get; private set; }

    /// <summary>vcpu->arch.preempted_in_kernel: the guest's CPL was 0 when the thread was scheduled out.</summary>
    public bool PreemptedInKernel { get; private set; }

    /// <summary>vcpu->arch.pv.pv_unhalted: KVM_HC_KICK_CPU arrived for this halted vCPU.</summary>
    public bool PvUnhalted { get; private set; }

    /// <summary>spin_loop.in_spin_loop and dy_eligible (kvm_vcpu_on_spin's toggle against yielding to other spinners).</summary>
    public bool InSpinLoop { get; internal set; }

    public bool DyEligible { get; internal set; }

    /// <summary>Ishiguro 2021 patch 2: vCPUs that sent this vCPU an IPI while it was scheduled out.</summary>
    public HashSet<int> IpiSendersWhileOut { get; } = [];

    /// <summary>grow_ple_window: a PLE exit widens this vCPU's window.</summary>
    internal void GrowPleWindow() => _pleWindowCycles = Vm.Config.Ple.Grown(_pleWindowCycles);

    /// <summary>The current pause-loop-exiting window as time.</summary>
    public SimSpan PleWindow => SimSpan.FromNanoseconds(_pleWindowCycles / _host.Costs.TscGhz);

    /// <summary>The guest runs at CPL0 (what kvm_arch_vcpu_in_kernel reports for a running vCPU).</summary>
    public bool InKernel => !Guest.UserMode;

    /// <summary>
    /// The guest executes an instruction that exits (WRMSR, an APIC-page write, HLT, VMCALL, an
    /// AVIC ICR write that could not complete) or an event forces an exit.
    /// </summary>
    /// <param name="data">The value written (a TSC deadline in ns for IA32_TSC_DEADLINE).</param>
    /// <param name="targets">The destination vCPUs of a PV send-IPI hypercall.</param>
    public void Exit(ExitReason reason, uint msr = 0, IcrWrite icr = default, long data = 0, int[]? targets = null)
    {
        if (Mode != VcpuMode.InGuest)
        {
            throw new InvalidOperationException($"{Name}: exit {reason} while {Mode}.");
        }

        Guest.OnLeaveGuest();
        BeginExit(reason, msr, icr, data, targets, ExternalCause.Kick);
    }

    private void BeginExit(ExitReason reason, uint msr, IcrWrite icr, long data, int[]? targets, ExternalCause cause)
    {
        _exit = new ExitInfo(reason, msr, icr, data, targets, cause);
        _exitOpen = true;
        _exitStart = _host.Sim.Now;
        _exitFastpath = false;
        _reenter = false;
        Stats.CountExit(reason);
        SetMode(VcpuMode.InHost, ExitSpanName(reason));
        if (reason is ExitReason.MsrWrite or ExitReason.PreemptionTimer)
        {
            // vmx_exit_handlers_fastpath looks at these two: the decision waits for the exit.
            StartPhase(Phase.VmExit, _host.Costs.VmExit);
            return;
        }

        // No fastpath for any other reason: exit, IRQ enable and dispatch as one phase.
        var c = _host.Costs;
        StartPhase(Phase.Dispatch, c.VmExit + c.ExitHostIrqEnable + c.ExitHandlerDispatch);
    }

    private void SetMode(VcpuMode mode, string spanName)
    {
        SimTime now = _host.Sim.Now;
        SimSpan spent = now - _modeSince;
        if (Mode == VcpuMode.InGuest)
        {
            Stats.GuestTime += spent;
        }
        else if (Mode is VcpuMode.InHost or VcpuMode.Polling)
        {
            Stats.HostTime += spent;
        }

        if (_host.Trace.Enabled && Mode != VcpuMode.Created && spent.Ns > 0)
        {
            _host.Trace.Slice(_track, _spanName, "vcpu", _modeSince, spent);
        }

        Mode = mode;
        _modeSince = now;
        _spanName = spanName;
        Ledger.Enter((int)TimeState(mode), now);
    }

    /// <summary>The ledger state for a mode: a halted vCPU whose thread was woken waits for its CPU.</summary>
    private VcpuTime TimeState(VcpuMode mode) => mode switch
    {
        VcpuMode.Created => VcpuTime.NotStarted,
        VcpuMode.InGuest => VcpuTime.Guest,
        VcpuMode.InHost => VcpuTime.ExitHandling,
        VcpuMode.Polling => VcpuTime.Polling,
        VcpuMode.Blocked => State == HostOs.ThreadState.Runnable ? VcpuTime.Runnable : VcpuTime.Halted,
        VcpuMode.Preempted => VcpuTime.Preempted,
        _ => throw new InvalidOperationException($"{Name}: unknown mode {mode}."),
    };

    /// <summary>Names the open guest-mode span after what the guest does (the trace shows "spinning" apart from "guest").</summary>
    internal void LabelGuestSpan(string label)
    {
        if (_host.Trace.Enabled && Mode == VcpuMode.InGuest && _spanName != label)
        {
            SetMode(VcpuMode.InGuest, label);
        }
    }

    /// <summary>Closes the open span and time accounting at the end of a run.</summary>
    internal void Finish()
    {
        SetMode(Mode, _spanName);
    }

    private static string ExitSpanName(ExitReason r) => r switch
    {
        ExitReason.MsrWrite => "exit: MSR_WRITE",
        ExitReason.ApicWrite => "exit: APIC_WRITE",
        ExitReason.Hlt => "exit: HLT",
        ExitReason.ExternalInterrupt => "exit: EXTERNAL_INTERRUPT",
        ExitReason.PreemptionTimer => "exit: PREEMPTION_TIMER",
        ExitReason.Hypercall => "exit: VMCALL",
        ExitReason.AvicIncompleteIpi => "exit: AVIC_INCOMPLETE_IPI",
        ExitReason.PauseLoop => "exit: PAUSE (PLE)",
        ExitReason.EptMisconfig => "exit: EPT_MISCONFIG (ioeventfd)",
        ExitReason.Cpuid => "exit: CPUID",
        ExitReason.IoInstruction => "exit: IO_INSTRUCTION",
        ExitReason.MsrRead => "exit: MSR_READ",
        ExitReason.CrAccess => "exit: CR_ACCESS",
        ExitReason.InterruptWindow => "exit: INTERRUPT_WINDOW",
        _ => "exit",
    };
}
