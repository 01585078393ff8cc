using KvmLab.Engine.Events;
using KvmLab.Engine.Random;
using KvmLab.Engine.Time;
using KvmLab.Engine.Tracing;
using KvmLab.Model.Guest;
using KvmLab.Model.HostOs;
using KvmLab.Model.Invariants;

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
public sealed class Vcpu : HostThread, IEventHandler
{
    private const int KindPhaseDone = 1;
    private const int KindPiNotify = 2;
    private const int KindPollDetect = 3;
    private const int KindKickExit = 4;
    private const int KindTimerWake = 5;
    private const int KindStart = 6;

    private readonly HostContext _host;
    private readonly SimTimer _pollTimeout;
    private readonly RngStream _rng;
    private readonly TraceTrack _track;
    private readonly ulong[] _pending = new ulong[4];

    private Phase _phase;
    private ExitReason _exitReason;
    private uint _exitMsr;
    private IcrWrite _exitIcr;
    private long _exitData;
    private int[]? _exitTargets;
    private ExternalCause _exitCause;
    private bool _exitFastpath;
    private bool _reenter;
    private bool _yielded;
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

    /// <summary>Why an EXTERNAL_INTERRUPT exit happened, for its handler cost.</summary>
    private enum ExternalCause
    {
        Kick,
        HostTimer,
        HostTick,
        PassthroughTimer,
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

    /// <summary>The current pause-loop-exiting window as time.</summary>
    public SimSpan PleWindow => SimSpan.FromNanoseconds(_pleWindowCycles / _host.Costs.TscGhz);

    /// <summary>The guest runs at CPL0 (what kvm_arch_vcpu_in_kernel reports for a running vCPU).</summary>
    public bool InKernel => !Guest.UserMode;

    /// <summary>Removes and returns the highest pending vector (the APIC delivers by priority).</summary>
    public int TakeHighestPendingVector()
    {
        for (int w = 3; w >= 0; w--)
        {
            if (_pending[w] != 0)
            {
                int bit = 63 - System.Numerics.BitOperations.LeadingZeroCount(_pending[w]);
                _pending[w] &= ~(1UL << bit);
                return (w * 64) + bit;
            }
        }

        return -1;
    }

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
        _exitReason = reason;
        _exitMsr = msr;
        _exitIcr = icr;
        _exitData = data;
        _exitTargets = targets;
        _exitCause = cause;
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

    /// <summary>
    /// The LAPIC timer expired: a host hrtimer (apic_timer_fn, then kvm_vcpu_kick) or, with the
    /// passthrough timer, the physical timer interrupt arriving in guest mode.
    /// </summary>
    internal void OnTimerInterrupt(bool hostTimer)
    {
        switch (Mode)
        {
            case VcpuMode.InGuest:
                // The interrupt arrives on this vCPU's own pCPU: an external-interrupt exit at once.
                Guest.OnLeaveGuest();
                BeginExit(ExitReason.ExternalInterrupt, 0, default, 0, null, hostTimer ? ExternalCause.HostTimer : ExternalCause.PassthroughTimer);
                break;
            case VcpuMode.Polling:
                // kvm_vcpu_check_block sees kvm_cpu_has_pending_timer on a later pass.
                SchedulePollDetect(_host.Costs.HostTimerInterrupt);
                break;
            case VcpuMode.Blocked:
                // The pCPU leaves its idle state, runs the hrtimer interrupt, wakes the thread.
                _host.Sim.ScheduleAfter(_host.Costs.HostTimerInterrupt, this, KindTimerWake, _phaseGen);
                break;
            case VcpuMode.InHost:
            case VcpuMode.Preempted:
            case VcpuMode.Created:
                // KVM_REQ_PENDING_TIMER: injected by the run loop before the next entry.
                break;
        }
    }

    /// <summary>
    /// __apic_accept_irq for a fixed interrupt: with APICv, post it (PIR, ON) and notify a running
    /// target or kick a halted one (vmx_deliver_posted_interrupt); without, set IRR and kick.
    /// </summary>
    public void AcceptInterrupt(int vector)
    {
        bool wasPending = HasPendingInterrupt;
        SetIrr(vector);
        Notify(wasPending);
    }

    /// <summary>AVIC: the hardware wrote the vector into the backing page's IRR without telling anyone.</summary>
    internal void SetIrr(int vector)
    {
        _pending[vector >> 6] |= 1UL << (vector & 63);
        Stats.InterruptsDelivered++;
    }

    /// <summary>kvm_vcpu_wake_up: wake a halted vCPU whose IRR already holds the interrupt (AVIC incomplete IPI).</summary>
    internal void WakeUp()
    {
        if (Mode is VcpuMode.Polling or VcpuMode.Blocked)
        {
            Notify(wasPending: false);
        }
    }

    private void Notify(bool wasPending)
    {
        bool posted = Vm.Config.ApicV || Vm.Config.Avic;
        switch (Mode)
        {
            case VcpuMode.InGuest:
                // APICv: the posted-interrupt notification IPI; one is enough while ON is set.
                // AVIC: the doorbell to a running target. Without either: kvm_vcpu_kick sends a
                // reschedule IPI that forces an exit.
                if (!wasPending || !posted)
                {
                    _host.Sim.ScheduleAfter(_host.Costs.PhysicalIpiLatency, this, posted ? KindPiNotify : KindKickExit);
                }

                break;
            case VcpuMode.Polling:
                // kvm_vcpu_check_block sees the bit on a later pass: the line moves, then the
                // pass in progress finishes (a uniform phase within one poll iteration).
                SchedulePollDetect(_host.Costs.CacheLineTransfer);
                break;
            case VcpuMode.Blocked:
                // kvm_vcpu_kick -> kvm_vcpu_wake_up -> rcuwait_wake_up.
                WakeThread();
                break;
            case VcpuMode.InHost:
            case VcpuMode.Preempted:
            case VcpuMode.Created:
                // PIR is synced to the virtual IRR at the next VM entry.
                break;
        }
    }

    /// <summary>
    /// kvm_vcpu_check_block sees the new work on a later pass of the poll loop: after
    /// <paramref name="reach"/> (the line moving, or the host interrupt), then the pass in progress
    /// finishes (a uniform phase within one poll iteration).
    /// </summary>
    private void SchedulePollDetect(SimSpan reach)
    {
        SimSpan phase = SimSpan.FromNanoseconds(_rng.NextDouble() * _host.Costs.HaltPollIteration.Ns);
        _host.Sim.ScheduleAfter(reach + phase, this, KindPollDetect, _phaseGen);
    }

    /// <summary>Starts the vCPU thread (the first KVM_RUN).</summary>
    internal void Start()
    {
        _host.Scheduler.Start(this);
    }

    /// <summary>Starts the vCPU thread after <paramref name="delay"/> (QEMU creates vCPU threads one after another).</summary>
    internal void StartAfter(SimSpan delay)
    {
        if (delay.Ns <= 0)
        {
            Start();
            return;
        }

        _host.Sim.ScheduleAfter(delay, this, KindStart, 0);
    }

    protected internal override void OnScheduledIn(SimTime now)
    {
        // kvm_sched_in: preempted and ready cleared; vmx_sched_in shrinks the PLE window.
        Preempted = false;
        Ready = false;
        IpiSendersWhileOut.Clear();
        _pleWindowCycles = Vm.Config.Ple.Shrunk(_pleWindowCycles);
        switch (Mode)
        {
            case VcpuMode.Created:
                SetMode(VcpuMode.InHost, "run loop");
                StartEnterLoop();
                break;
            case VcpuMode.Blocked:
                // Woken in kvm_vcpu_block's schedule(): leave the block.
                SetMode(VcpuMode.InHost, "wake");
                StartBlockExit();
                break;
            case VcpuMode.Preempted:
                SetMode(VcpuMode.InHost, "run loop");
                StartEnterLoop();
                break;
            default:
                throw new InvalidOperationException($"{Name} scheduled in while {Mode}.");
        }
    }

    /// <summary>kvm_sched_out: a thread scheduled out while runnable is preempted and ready; kvm_arch_vcpu_put records its CPL.</summary>
    protected internal override void OnDescheduled(bool stillRunnable)
    {
        if (stillRunnable)
        {
            Preempted = true;
            Ready = true;
            PreemptedInKernel = InKernel;
        }
    }

    /// <summary>
    /// kvm_vcpu_wake_up: wake the thread sleeping in kvm_vcpu_block; with ReadyOnWakeup (commit
    /// d73eb57b80b9) the woken vCPU becomes a directed-yield candidate.
    /// </summary>
    private void WakeThread()
    {
        if (State == HostOs.ThreadState.Sleeping && Vm.Config.DirectedYield.ReadyOnWakeup)
        {
            Ready = true;
        }

        _host.Scheduler.Wake(this);
        if (Mode == VcpuMode.Blocked && State == HostOs.ThreadState.Runnable)
        {
            Ledger.Enter((int)VcpuTime.Runnable, _host.Sim.Now);
        }
    }

    /// <summary>KVM_HC_KICK_CPU (kvm_pv_kick_cpu_op): set pv_unhalted and kick the halted vCPU.</summary>
    internal void PvKick()
    {
        PvUnhalted = true;
        switch (Mode)
        {
            case VcpuMode.Polling:
                SchedulePollDetect(_host.Costs.CacheLineTransfer);
                break;
            case VcpuMode.Blocked:
                WakeThread();
                break;
            default:
                break;
        }
    }

    /// <summary>The host tick on this vCPU's pCPU: in guest mode it is an EXTERNAL_INTERRUPT exit; in the host it is taken there.</summary>
    protected internal override void OnHostTick()
    {
        if (Mode == VcpuMode.InGuest)
        {
            Guest.OnLeaveGuest();
            BeginExit(ExitReason.ExternalInterrupt, 0, default, 0, null, ExternalCause.HostTick);
        }
    }

    protected internal override void OnReschedRequested(SimTime now)
    {
        switch (Mode)
        {
            case VcpuMode.InGuest:
                // The reschedule IPI forces an exit; the preemption point follows the handler.
                _host.Sim.ScheduleAfter(_host.Costs.PhysicalIpiLatency, this, KindKickExit);
                break;
            case VcpuMode.Polling:
                // single_task_running() is false: stop polling and sleep.
                StopPollingAndSleep();
                break;
            default:
                // InHost reaches the preemption point by itself.
                break;
        }
    }

    void IEventHandler.OnEvent(int kind, long arg)
    {
        switch (kind)
        {
            case KindPhaseDone:
                if (arg == _phaseGen)
                {
                    PhaseDone();
                }

                break;
            case KindPiNotify:
                if (Mode == VcpuMode.InGuest && HasPendingInterrupt)
                {
                    Guest.OnInterruptPosted();
                }

                break;
            case KindKickExit:
                if (Mode == VcpuMode.InGuest)
                {
                    Exit(ExitReason.ExternalInterrupt);
                }

                break;
            case KindStart:
                Start();
                break;
            case KindTimerWake:
                if (Mode == VcpuMode.Blocked && arg == _phaseGen)
                {
                    WakeThread();
                }

                break;
            case KindPollDetect:
                if (Mode == VcpuMode.Polling && arg == _phaseGen)
                {
                    _pollTimeout.Cancel();
                    Stats.HaltPollSuccesses++;
                    Stats.PollTime += _host.Sim.Now - _pollStart;
                    SetMode(VcpuMode.InHost, "wake");
                    StartBlockExit();
                }

                break;
            default:
                throw new InvalidOperationException($"Unknown vCPU event {kind}.");
        }
    }

    private void StartPhase(Phase phase, SimSpan cost)
    {
        _phase = phase;
        _phaseGen++;
        _host.Sim.ScheduleAfter(cost, this, KindPhaseDone, _phaseGen);
    }

    private void PhaseDone()
    {
        var c = _host.Costs;
        switch (_phase)
        {
            case Phase.VmExit:
                StartAfterExit();
                break;
            case Phase.Fastpath:
                FastpathDone();
                break;
            case Phase.IrqEnable:
                if (_exitFastpath)
                {
                    // handle_exit returns at once for a fastpath-handled exit.
                    PreemptionPointThenEnter();
                }
                else
                {
                    StartPhase(Phase.Dispatch, c.ExitHandlerDispatch);
                }

                break;
            case Phase.Dispatch:
                StartPhase(Phase.Handler, BeginHandler());
                break;
            case Phase.Handler:
                HandlerDone();
                break;
            case Phase.EnterLoop:
                InjectPendingTimer();
                StartEntry();
                break;
            case Phase.EnterLoopAndEntry:
                if (Timer.Pending)
                {
                    // A timer expired during the run loop: vcpu_enter_guest's last request check
                    // cancels the entry and loops (cancel_injection), injecting it.
                    InjectPendingTimer();
                    StartEntry();
                    break;
                }

                EnterGuest();
                break;
            case Phase.VmEntry:
                EnterGuest();
                break;
            case Phase.BlockExit:
                PvUnhalted = false; // vcpu_block: KVM_MP_STATE_HALTED -> RUNNABLE clears pv_unhalted
                SimSpan blocked = _host.Sim.Now - _blockStart;
                HaltPollWindow = Vm.Policies.HaltPoll.Adapt(HaltPollWindow, blocked);
                PreemptionPointThenEnter();
                break;
            case Phase.None:
            default:
                throw new InvalidOperationException($"{Name}: no phase in progress.");
        }
    }

    /// <summary>vmx_vcpu_run after the exit: the fastpath handlers run here with IRQs off (vmx_exit_handlers_fastpath, v5.10).</summary>
    private void StartAfterExit()
    {
        var c = _host.Costs;
        if (IsIcrWrite() && Vm.Policies.IcrFastpath.TakesFastpath(new IcrExitView(true, Vm.Guest.X2Apic, false, _exitIcr)))
        {
            // handle_fastpath_set_x2apic_icr_irqoff: send with IRQs off, EXIT_FASTPATH_EXIT_HANDLED.
            BeginFastpath("exit: MSR_WRITE (fastpath)", c.IcrFastpathHandler + IpiSendCost(), reenter: false);
            return;
        }

        var view = new TimerExitView(Timer.CanUseHvTimer, GuestIsNested: false, ReqImmediateExit: false);
        if (_exitReason == ExitReason.MsrWrite && _exitMsr == MsrIndex.TscDeadline && Vm.Policies.TimerFastpath.TakesTscDeadlineFastpath(view))
        {
            // handle_fastpath_set_tscdeadline: kvm_set_lapic_tscdeadline_msr, EXIT_FASTPATH_REENTER_GUEST.
            SimSpan write = Timer.Write(new SimTime(_exitData));
            BeginFastpath("exit: MSR_WRITE (fastpath)", c.TimerFastpathHandler + write, reenter: true);
            return;
        }

        if (_exitReason == ExitReason.PreemptionTimer && Vm.Policies.TimerFastpath.TakesPreemptionTimerFastpath(view))
        {
            // handle_fastpath_preemption_timer: kvm_lapic_expired_hv_timer, EXIT_FASTPATH_REENTER_GUEST.
            Timer.ExpireHv();
            BeginFastpath("exit: PREEMPTION_TIMER (fastpath)", c.TimerFastpathHandler + c.TimerExpiredInject, reenter: true);
            return;
        }

        // IRQ enable and the dispatch to the handler run back to back with nothing to decide between them: one phase.
        StartPhase(Phase.Dispatch, c.ExitHostIrqEnable + c.ExitHandlerDispatch);
    }

    private void BeginFastpath(string span, SimSpan cost, bool reenter)
    {
        _exitFastpath = true;
        _reenter = reenter;
        _spanName = span;
        Stats.FastpathExits++;
        StartPhase(Phase.Fastpath, cost);
    }

    private void FastpathDone()
    {
        if (!_reenter)
        {
            SendIpi();
            StartPhase(Phase.IrqEnable, _host.Costs.ExitHostIrqEnable);
            return;
        }

        // vmx_vcpu_run re-enters unless kvm_vcpu_exit_request: a request is pending (a timer
        // expiry without APICv raises KVM_REQ_PENDING_TIMER) or the thread must reschedule.
        bool request = Timer.Pending && !(Vm.Config.ApicV || Vm.Config.Avic);
        if (NeedResched || request)
        {
            StartPhase(Phase.IrqEnable, _host.Costs.ExitHostIrqEnable);
            return;
        }

        // With APICv, apic_timer_expired(apic, false) injects directly (kvm_apic_inject_pending_timer_irqs).
        InjectPendingTimer();
        StartEntry();
    }

    private bool IsIcrWrite() => _exitReason == ExitReason.MsrWrite && _exitMsr == MsrIndex.X2ApicIcr;

    /// <summary>The per-reason handler: returns its cost; timer side effects happen at its start.</summary>
    private SimSpan BeginHandler()
    {
        var c = _host.Costs;
        return _exitReason switch
        {
            ExitReason.MsrWrite when IsIcrWrite() => c.WrmsrEmulation + IpiSendCost(),
            ExitReason.MsrWrite when _exitMsr == MsrIndex.TscDeadline => c.WrmsrEmulation + Timer.Write(new SimTime(_exitData)),
            ExitReason.MsrWrite => c.WrmsrEmulation,
            ExitReason.ApicWrite when _exitMsr == MsrIndex.XApicIcrOffset => c.XapicMmioEmulation + IpiSendCost(),
            ExitReason.ApicWrite => c.XapicMmioEmulation,
            ExitReason.Hlt => c.HltHandler + (Timer.Mode is LapicTimerMode.HvTimer or LapicTimerMode.Physical ? c.HostHrtimerStart : SimSpan.Zero),
            ExitReason.ExternalInterrupt => _exitCause switch
            {
                ExternalCause.HostTimer => c.HostTimerInterrupt,      // hrtimer_interrupt -> apic_timer_fn
                ExternalCause.HostTick => c.HostTimerInterrupt,       // hrtimer_interrupt -> tick_sched_timer -> scheduler_tick
                ExternalCause.PassthroughTimer => c.TimerExpiredInject, // KVM injects the guest's timer vector
                _ => SimSpan.Zero,                                     // a kick: the reschedule IPI handler is trivial
            },
            ExitReason.PreemptionTimer => c.PreemptionTimerHandler + c.TimerExpiredInject,
            ExitReason.Hypercall => BeginHypercall(),
            ExitReason.PauseLoop => BeginPauseLoop(),
            ExitReason.AvicIncompleteIpi => c.AvicIncompleteIpiHandler
                + (c.AvicScanPerVcpu * Vm.Vcpus.Count)
                + (c.IpiDeliveryPerTarget * Vm.Targets(this, _exitIcr).Count(t => !t.AvicIsRunning)),
            _ => throw new InvalidOperationException($"No handler for {_exitReason}."),
        };
    }

    private SimSpan IpiSendCost() => _host.Costs.IpiDeliveryPerTarget + (Vm.Config.ApicV ? _host.Costs.PostedInterruptPost : SimSpan.Zero);

    private void HandlerDone()
    {
        switch (_exitReason)
        {
            case ExitReason.MsrWrite when IsIcrWrite():
            case ExitReason.ApicWrite when _exitMsr == MsrIndex.XApicIcrOffset:
                SendIpi();
                break;
            case ExitReason.PreemptionTimer:
                Timer.ExpireHv();
                break;
            case ExitReason.Hypercall when _exitData == Hypercall.SendIpi:
                // kvm_pv_send_ipi: kvm_apic_set_irq for each destination in the bitmap.
                foreach (int t in _exitTargets ?? [])
                {
                    Vm.DeliverIpiTo(this, Vm.Vcpus[t], _exitIcr.Vector);
                }

                break;
            case ExitReason.AvicIncompleteIpi:
                // AVIC_IPI_FAILURE_TARGET_NOT_RUNNING: the IRR bits are already set; scan every
                // vCPU and kvm_vcpu_wake_up the matching ones that are not running.
                foreach (Vcpu t in Vm.Targets(this, _exitIcr))
                {
                    if (!t.AvicIsRunning)
                    {
                        t.WakeUp();
                    }
                }

                break;
            case ExitReason.Hlt:
                BeginHalt();
                return;
            default:
                break;
        }

        if (_yielded)
        {
            // yield_to succeeded: schedule() before returning to the guest.
            _yielded = false;
            if (_host.Scheduler.ScheduleAfterYield(this))
            {
                SetMode(VcpuMode.Preempted, "yielded");
                return;
            }
        }

        PreemptionPointThenEnter();
    }

    /// <summary>
    /// handle_pause (PAUSE_INSTRUCTION exit): grow_ple_window, then kvm_vcpu_on_spin(vcpu,
    /// yield_to_kernel_mode = true — PLE exits happen only at CPL0). Returns the handler's cost.
    /// </summary>
    private SimSpan BeginPauseLoop()
    {
        var c = _host.Costs;
        _pleWindowCycles = Vm.Config.Ple.Grown(_pleWindowCycles);
        SpinResult r = VcpuOnSpin.Run(this, yieldToKernelMode: true);
        _yielded = r.Yielded;
        return c.PauseExitHandler + (c.SpinCandidateCheck * r.CandidatesChecked) + (c.YieldTo * r.YieldAttempts);
    }

    /// <summary>kvm_emulate_hypercall for KVM_HC_SEND_IPI, KVM_HC_KICK_CPU and KVM_HC_SCHED_YIELD; returns the cost.</summary>
    private SimSpan BeginHypercall()
    {
        var c = _host.Costs;
        SimSpan cost = c.HypercallHandler;
        switch (_exitData)
        {
            case Hypercall.SendIpi:
                return cost + (IpiSendCost() * (_exitTargets?.Length ?? 0));
            case Hypercall.KickCpu:
                // kvm_pv_kick_cpu_op, then (Li 2020, queue-head boost) kvm_sched_yield to the kicked vCPU.
                Vcpu kicked = Vm.Vcpus[_exitTargets![0]];
                kicked.PvKick();
                cost += c.IpiDeliveryPerTarget;
                if (Vm.Config.DirectedYield.QueueHeadBoost)
                {
                    cost += SchedYieldTo(kicked);
                }

                return cost;
            case Hypercall.SchedYield:
                return cost + SchedYieldTo(Vm.Vcpus[_exitTargets![0]]);
            default:
                throw new InvalidOperationException($"Unknown hypercall {_exitData}.");
        }
    }

    /// <summary>kvm_sched_yield: yield to the target if it is ready and not this vCPU.</summary>
    private SimSpan SchedYieldTo(Vcpu target)
    {
        Vm.YieldStats.SchedYieldCalls++;
        if (target == this || !target.Ready)
        {
            return SimSpan.Zero;
        }

        if (Vm.YieldTo(this, target) > 0)
        {
            _yielded = true;
        }

        return _host.Costs.YieldTo;
    }

    private void SendIpi() => Vm.DeliverIpi(this, _exitIcr);

    /// <summary>vcpu_enter_guest: KVM_REQ_PENDING_TIMER injects the expired timer's vector.</summary>
    private void InjectPendingTimer()
    {
        if (Timer.Pending)
        {
            Timer.TakePending();
            SetIrr(Model.Guest.Vectors.LocalTimer);
        }
    }

    /// <summary>vmx_vcpu_run up to VMRESUME: kvm_wait_lapic_expire, the passthrough timer's switch, the entry itself.</summary>
    private void StartEntry()
    {
        SimSpan cost = _host.Costs.VmEntry + Timer.WaitAtEntry(_host.Sim.Now);
        if (Vm.Config.PassthroughTimer)
        {
            cost += _host.Costs.PassthroughTimerSwitch;
        }

        StartPhase(Phase.VmEntry, cost);
    }

    /// <summary>
    /// vcpu_enter_guest up to VMRESUME. With nothing to inject or wait out, the run loop and the
    /// entry are one phase (one event); otherwise the run loop injects, then the entry waits.
    /// </summary>
    private void StartEnterLoop()
    {
        var c = _host.Costs;
        if (Timer.Pending || Timer.AwaitsEntryWait)
        {
            StartPhase(Phase.EnterLoop, c.EnterGuestLoop);
            return;
        }

        SimSpan cost = c.EnterGuestLoop + c.VmEntry;
        if (Vm.Config.PassthroughTimer)
        {
            cost += c.PassthroughTimerSwitch;
        }

        StartPhase(Phase.EnterLoopAndEntry, cost);
    }

    private void StartBlockExit()
    {
        // vmx_post_block: kvm_lapic_switch_to_hv_timer.
        StartPhase(Phase.BlockExit, _host.Costs.HaltBlockExit + Timer.SwitchToHv());
    }

    /// <summary>
    /// vcpu_block: vmx_pre_block moves the hv timer to an hrtimer; if an interrupt or a timer
    /// expiry is already pending the vCPU stays runnable; otherwise kvm_vcpu_block polls for up
    /// to the vCPU's window, then sleeps.
    /// </summary>
    private void BeginHalt()
    {
        if (HasWork)
        {
            // kvm_arch_vcpu_runnable: vcpu_block does not call pre_block or kvm_vcpu_block.
            PvUnhalted = false;
            PreemptionPointThenEnter();
            return;
        }

        Timer.SwitchToSw();
        if (HasWork)
        {
            // The hv timer had elapsed: start_sw_timer expires it; kvm_vcpu_block returns at once.
            StartBlockExit();
            return;
        }

        _blockStart = _host.Sim.Now;
        SimSpan window = Vm.Policies.HaltPoll.PollWindow(HaltPollWindow);
        if (window.Ns > 0 && !HostScheduler.HasWaiters(this))
        {
            Stats.HaltPollAttempts++;
            _pollStart = _host.Sim.Now;
            _phaseGen++;
            SetMode(VcpuMode.Polling, "poll");
            _pollTimeout.ArmAfter(window);
        }
        else
        {
            Sleep();
        }
    }

    private void OnPollTimeout()
    {
        if (Mode == VcpuMode.Polling)
        {
            StopPollingAndSleep();
        }
    }

    private void StopPollingAndSleep()
    {
        _pollTimeout.Cancel();
        Stats.PollTime += _host.Sim.Now - _pollStart;
        Sleep();
    }

    private void Sleep()
    {
        _phaseGen++;
        Stats.HaltSleeps++;
        SetMode(VcpuMode.Blocked, "halted");
        _host.Scheduler.Block(this);
    }

    private void PreemptionPointThenEnter()
    {
        if (NeedResched)
        {
            // Mode first: the scheduler's sched-out hook reads it.
            VcpuMode was = Mode;
            string span = _spanName;
            SetMode(VcpuMode.Preempted, "preempted");
            if (_host.Scheduler.Preempt(this))
            {
                return;
            }

            SetMode(was, span); // schedule() picked this thread again: no switch
        }

        StartEnterLoop();
    }

    private void EnterGuest()
    {
        _phase = Phase.None;
        if (NeedResched)
        {
            // vcpu_enter_guest checks need_resched with IRQs off right before VM entry
            // (kvm_vcpu_exit_request): a reschedule requested during the run loop is not lost.
            PreemptionPointThenEnter();
            return;
        }

        SetMode(VcpuMode.InGuest, "guest");
        IpiSendersWhileOut.Clear(); // Ishiguro patch 2: ipi_received cleared in vmx_vcpu_run
        if (Timer.HvElapsed)
        {
            // The preemption timer was loaded with 0 (vmx_update_hv_timer): it exits right after
            // VMRESUME, before any guest instruction retires.
            BeginExit(ExitReason.PreemptionTimer, 0, default, 0, null, ExternalCause.Kick);
            return;
        }

        Guest.OnEnterGuest();
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
        _ => "exit",
    };
}
