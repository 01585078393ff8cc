using KvmLab.Engine.Events;
using KvmLab.Engine.Random;
using KvmLab.Engine.Time;
using KvmLab.Engine.Tracing;
using KvmLab.Model.Guest;
using KvmLab.Model.HostOs;

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

    private readonly HostContext _host;
    private readonly SimTimer _pollTimeout;
    private readonly RngStream _rng;
    private readonly TraceTrack _track;
    private readonly ulong[] _pending = new ulong[4];

    private Phase _phase;
    private ExitReason _exitReason;
    private uint _exitMsr;
    private IcrWrite _exitIcr;
    private bool _exitFastpath;
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
        BlockExit,
    }

    public Vm Vm { get; }

    public int Index { get; }

    /// <summary>The x2APIC / physical APIC id.</summary>
    public uint ApicId => (uint)Index;

    public GuestCpu Guest { get; internal set; } = null!;

    public VcpuMode Mode { get; private set; } = VcpuMode.Created;

    public VcpuStats Stats { get; } = new();

    /// <summary>This vCPU's halt_poll_ns (grown and shrunk by the halt-poll policy).</summary>
    public SimSpan HaltPollWindow { get; private set; }

    public bool HasPendingInterrupt => (_pending[0] | _pending[1] | _pending[2] | _pending[3]) != 0;

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

    /// <summary>The guest executes an instruction that exits (WRMSR, an APIC-page write, HLT).</summary>
    public void Exit(ExitReason reason, uint msr = 0, IcrWrite icr = default)
    {
        if (Mode != VcpuMode.InGuest)
        {
            throw new InvalidOperationException($"{Name}: exit {reason} while {Mode}.");
        }

        _exitReason = reason;
        _exitMsr = msr;
        _exitIcr = icr;
        _exitFastpath = false;
        Stats.CountExit(reason);
        Guest.OnLeaveGuest();
        SetMode(VcpuMode.InHost, ExitSpanName(reason));
        StartPhase(Phase.VmExit, _host.Costs.VmExit);
    }

    /// <summary>
    /// __apic_accept_irq for a fixed interrupt: with APICv, post it (PIR, ON) and notify a running
    /// target or kick a halted one (vmx_deliver_posted_interrupt); without, set IRR and kick.
    /// </summary>
    public void AcceptInterrupt(int vector)
    {
        bool wasPending = HasPendingInterrupt;
        _pending[vector >> 6] |= 1UL << (vector & 63);
        Stats.InterruptsDelivered++;
        switch (Mode)
        {
            case VcpuMode.InGuest:
                // APICv: the posted-interrupt notification IPI; one is enough while ON is set.
                // Without APICv: kvm_vcpu_kick sends a reschedule IPI that forces an exit.
                if (!wasPending || !Vm.Config.ApicV)
                {
                    _host.Sim.ScheduleAfter(_host.Costs.PhysicalIpiLatency, this, Vm.Config.ApicV ? KindPiNotify : KindKickExit);
                }

                break;
            case VcpuMode.Polling:
                // kvm_vcpu_check_block sees the bit on a later pass: the line moves, then the
                // pass in progress finishes (a uniform phase within one poll iteration).
                SimSpan phase = SimSpan.FromNanoseconds(_rng.NextDouble() * _host.Costs.HaltPollIteration.Ns);
                _host.Sim.ScheduleAfter(_host.Costs.CacheLineTransfer + phase, this, KindPollDetect, _phaseGen);
                break;
            case VcpuMode.Blocked:
                // kvm_vcpu_kick -> kvm_vcpu_wake_up -> rcuwait_wake_up.
                _host.Scheduler.Wake(this);
                break;
            case VcpuMode.InHost:
            case VcpuMode.Preempted:
            case VcpuMode.Created:
                // PIR is synced to the virtual IRR at the next VM entry.
                break;
        }
    }

    /// <summary>Starts the vCPU thread (the first KVM_RUN).</summary>
    internal void Start()
    {
        _host.Scheduler.Start(this);
    }

    protected internal override void OnScheduledIn(SimTime now)
    {
        switch (Mode)
        {
            case VcpuMode.Created:
                SetMode(VcpuMode.InHost, "run loop");
                StartPhase(Phase.EnterLoop, _host.Costs.EnterGuestLoop);
                break;
            case VcpuMode.Blocked:
                // Woken in kvm_vcpu_block's schedule(): leave the block.
                SetMode(VcpuMode.InHost, "wake");
                StartPhase(Phase.BlockExit, _host.Costs.HaltBlockExit);
                break;
            case VcpuMode.Preempted:
                SetMode(VcpuMode.InHost, "run loop");
                StartPhase(Phase.EnterLoop, _host.Costs.EnterGuestLoop);
                break;
            default:
                throw new InvalidOperationException($"{Name} scheduled in while {Mode}.");
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
            case KindPollDetect:
                if (Mode == VcpuMode.Polling && arg == _phaseGen)
                {
                    _pollTimeout.Cancel();
                    Stats.HaltPollSuccesses++;
                    Stats.PollTime += _host.Sim.Now - _pollStart;
                    SetMode(VcpuMode.InHost, "wake");
                    StartPhase(Phase.BlockExit, _host.Costs.HaltBlockExit);
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
                if (IsIcrWrite() && Vm.Policies.IcrFastpath.TakesFastpath(new IcrExitView(true, Vm.Guest.X2Apic, false, _exitIcr)))
                {
                    // handle_fastpath_set_x2apic_icr_irqoff: send with IRQs off, EXIT_FASTPATH_EXIT_HANDLED.
                    _exitFastpath = true;
                    _spanName = "exit: MSR_WRITE (fastpath)";
                    Stats.FastpathExits++;
                    StartPhase(Phase.Fastpath, c.IcrFastpathHandler + IpiSendCost());
                }
                else
                {
                    StartPhase(Phase.IrqEnable, c.ExitHostIrqEnable);
                }

                break;
            case Phase.Fastpath:
                SendIpi();
                StartPhase(Phase.IrqEnable, c.ExitHostIrqEnable);
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
                StartPhase(Phase.Handler, HandlerCost());
                break;
            case Phase.Handler:
                HandlerDone();
                break;
            case Phase.EnterLoop:
                StartPhase(Phase.VmEntry, c.VmEntry);
                break;
            case Phase.VmEntry:
                EnterGuest();
                break;
            case Phase.BlockExit:
                SimSpan blocked = _host.Sim.Now - _blockStart;
                HaltPollWindow = Vm.Policies.HaltPoll.Adapt(HaltPollWindow, blocked);
                PreemptionPointThenEnter();
                break;
            case Phase.None:
            default:
                throw new InvalidOperationException($"{Name}: no phase in progress.");
        }
    }

    private bool IsIcrWrite() => _exitReason == ExitReason.MsrWrite && _exitMsr == MsrIndex.X2ApicIcr;

    private SimSpan HandlerCost()
    {
        var c = _host.Costs;
        return _exitReason switch
        {
            ExitReason.MsrWrite when IsIcrWrite() => c.WrmsrEmulation + IpiSendCost(),
            ExitReason.MsrWrite => c.WrmsrEmulation,
            ExitReason.ApicWrite when _exitMsr == MsrIndex.XApicIcrOffset => c.XapicMmioEmulation + IpiSendCost(),
            ExitReason.ApicWrite => c.XapicMmioEmulation,
            ExitReason.Hlt => c.HltHandler,
            ExitReason.ExternalInterrupt => SimSpan.Zero, // the host IRQ ran at IRQ enable
            _ => throw new InvalidOperationException($"No handler for {_exitReason}."),
        };
    }

    private SimSpan IpiSendCost() => _host.Costs.IpiDeliveryPerTarget + (Vm.Config.ApicV ? _host.Costs.PostedInterruptPost : SimSpan.Zero);

    private void HandlerDone()
    {
        if (IsIcrWrite() || (_exitReason == ExitReason.ApicWrite && _exitMsr == MsrIndex.XApicIcrOffset))
        {
            SendIpi();
        }

        if (_exitReason == ExitReason.Hlt)
        {
            BeginHalt();
            return;
        }

        PreemptionPointThenEnter();
    }

    private void SendIpi() => Vm.DeliverIpi(this, _exitIcr);

    /// <summary>
    /// vcpu_block: if an interrupt is already pending the vCPU stays runnable; otherwise
    /// kvm_vcpu_block polls for up to the vCPU's window, then sleeps.
    /// </summary>
    private void BeginHalt()
    {
        if (HasPendingInterrupt)
        {
            PreemptionPointThenEnter();
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
            SetMode(VcpuMode.Preempted, "preempted");
            _host.Scheduler.Preempt(this);
            return;
        }

        StartPhase(Phase.EnterLoop, _host.Costs.EnterGuestLoop);
    }

    private void EnterGuest()
    {
        _phase = Phase.None;
        SetMode(VcpuMode.InGuest, "guest");
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
        _ => "exit",
    };
}
