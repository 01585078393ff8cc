using KvmLab.Engine.Events;
using KvmLab.Engine.Random;
using KvmLab.Engine.Time;
using KvmLab.Engine.Tracing;
using KvmLab.Model.Guest;
using KvmLab.Model.HostOs;
using KvmLab.Model.Invariants;
using KvmLab.Model.Kvm.Exits;

namespace KvmLab.Model.Kvm;

/// <summary>The exit path's phases in the order of vmx_vcpu_run and vcpu_enter_guest (v5.8+): VM exit, fastpath, IRQ enable, dispatch and handler, preemption point, run loop, VM entry.</summary>
public sealed partial class Vcpu
{
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
            case KindWakeupVector:
                OnWakeupVector((int)arg);
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
                // The per-reason handler: its cost and its effect come together (Exits/ExitHandlers.cs).
                _handling = ExitHandlers.Handle(this, _exit);
                StartPhase(Phase.Handler, _handling.Cost);
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
                if (HostHaltPollAllowed)
                {
                    // kvm_vcpu_block adapts halt_poll_ns only if !kvm_arch_no_poll.
                    HaltPollWindow = Vm.Policies.HaltPoll.Adapt(HaltPollWindow, blocked);
                }

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
        if (_exit.IsIcrWrite && Vm.Policies.IcrFastpath.TakesFastpath(new IcrExitView(true, Vm.Guest.X2Apic, false, _exit.Icr)))
        {
            // handle_fastpath_set_x2apic_icr_irqoff: send with IRQs off, EXIT_FASTPATH_EXIT_HANDLED.
            BeginFastpath("exit: MSR_WRITE (fastpath)", c.IcrFastpathHandler + ExitHandlers.IpiSendCost(this), reenter: false);
            return;
        }

        var view = new TimerExitView(Timer.CanUseHvTimer, GuestIsNested: false, ReqImmediateExit: false);
        if (_exit.Reason == ExitReason.MsrWrite && _exit.Msr == MsrIndex.TscDeadline && Vm.Policies.TimerFastpath.TakesTscDeadlineFastpath(view))
        {
            // handle_fastpath_set_tscdeadline: kvm_set_lapic_tscdeadline_msr, EXIT_FASTPATH_REENTER_GUEST.
            SimSpan write = Timer.Write(new SimTime(_exit.Data));
            BeginFastpath("exit: MSR_WRITE (fastpath)", c.TimerFastpathHandler + write, reenter: true);
            return;
        }

        if (_exit.Reason == ExitReason.PreemptionTimer && Vm.Policies.TimerFastpath.TakesPreemptionTimerFastpath(view))
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

    /// <summary>The handler's cost has been paid: its effect, then schedule() after a successful yield, then back toward the guest.</summary>
    private void HandlerDone()
    {
        switch (_handling.Effect)
        {
            case ExitEffect.SendIpi:
                SendIpi();
                break;
            case ExitEffect.ExpireHvTimer:
                Timer.ExpireHv();
                break;
            case ExitEffect.DeliverPvIpis:
                foreach (int t in _exit.Targets ?? [])
                {
                    Vm.DeliverIpiTo(this, Vm.Vcpus[t], _exit.Icr.Vector);
                }

                break;
            case ExitEffect.WakeAvicTargets:
                // The IRR bits are already set; kvm_vcpu_wake_up the matching vCPUs that are not running.
                foreach (Vcpu t in Vm.Targets(this, _exit.Icr))
                {
                    if (!t.AvicIsRunning)
                    {
                        t.WakeUp();
                    }
                }

                break;
            case ExitEffect.Halt:
                BeginHalt();
                return;
            case ExitEffect.SignalIoeventfd:
                Vm.IoeventfdAt(_exit.Data)!.Signal();
                break;
            case ExitEffect.SignalPioIoeventfd:
                Vm.PioIoeventfdAt(_exit.Msr)!.Signal();
                break;
            case ExitEffect.None:
                break;
        }

        if (_handling.Yield && _host.Scheduler.ScheduleAfterYield(this))
        {
            // yield_to succeeded: schedule() picked another thread before the return to the guest.
            SetMode(VcpuMode.Preempted, "yielded");
            return;
        }

        PreemptionPointThenEnter();
    }

    private void SendIpi() => Vm.DeliverIpi(this, _exit.Icr);

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
        cost += Vm.Policies.TimerDelivery.EntrySwitch(_host.Costs);

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
        cost += Vm.Policies.TimerDelivery.EntrySwitch(c);

        StartPhase(Phase.EnterLoopAndEntry, cost);
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
        if (_exitOpen)
        {
            // perf kvm stat's time of one exit: kvm_exit to kvm_entry, so without the hardware
            // transitions on either side (VmExit before the tracepoint, VmEntry after it).
            _exitOpen = false;
            Stats.AddExitTime(_exit.Reason, (_host.Sim.Now - _exitStart).Ns - _host.Costs.VmExit.Ns - _host.Costs.VmEntry.Ns);
        }

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
}
