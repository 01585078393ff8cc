using KvmLab.Engine.Events;
using KvmLab.Engine.Time;

namespace KvmLab.Model.Kvm;

/// <summary>
/// The host side of one vCPU's LAPIC timer in TSC-deadline mode (arch/x86/kvm/lapic.c, v5.8-5.10):
/// a deadline write cancels the old timer and starts the VMX preemption timer when
/// kvm_can_use_hv_timer allows it, else a host hrtimer; either fires lapic_timer_advance_ns
/// early. The hv timer runs only in guest mode, so vmx_pre_block moves it to an hrtimer while
/// the vCPU halts and vmx_post_block moves it back. An expiry is injected before the next entry,
/// where kvm_wait_lapic_expire busy-waits out what is left of the advance and, with
/// lapic_timer_advance_ns = -1, adjusts the advance by 1/8 of the error
/// (adjust_lapic_timer_advance: errors of 100-10000 cycles only; above 5000 ns reset to 1000).
/// </summary>
public sealed class LapicTimer
{
    private const long AdvanceNsInit = 1000;
    private const long AdvanceNsMax = 5000;
    private const int AdjustStep = 8;
    private const double AdjustMinCycles = 100;
    private const double AdjustMaxCycles = 10000;

    private readonly HostContext _host;
    private readonly Vcpu _vcpu;
    private readonly SimTimer _fire;
    private SimTime? _expiredDeadline;

    internal LapicTimer(HostContext host, Vcpu vcpu)
    {
        _host = host;
        _vcpu = vcpu;
        _fire = new SimTimer(host.Sim, OnFire);
        Advance = vcpu.Vm.Config.TimerAdvance;
    }

    public LapicTimerMode Mode { get; private set; }

    /// <summary>The guest's deadline (IA32_TSC_DEADLINE as the guest wrote it).</summary>
    public SimTime Deadline { get; private set; }

    /// <summary>The expiry is due for injection (lapic_timer.pending / KVM_REQ_PENDING_TIMER).</summary>
    public bool Pending { get; private set; }

    /// <summary>The preemption timer elapsed while the vCPU was out of guest mode: the next entry exits at once.</summary>
    public bool HvElapsed { get; private set; }

    /// <summary>An injected expiry still waits for kvm_wait_lapic_expire at the next entry.</summary>
    internal bool AwaitsEntryWait => _expiredDeadline is not null;

    /// <summary>The current lapic_timer_advance_ns.</summary>
    public SimSpan Advance { get; private set; }

    public long Expiries { get; private set; }

    /// <summary>kvm_can_use_hv_timer: VMX preemption timer present and neither MWAIT passthrough nor posted timer interrupts.</summary>
    public bool CanUseHvTimer
    {
        get
        {
            KvmConfig c = _vcpu.Vm.Config;
            return c.PreemptionTimer && !c.MwaitInGuest && !_vcpu.Vm.Policies.TimerDelivery.GuestProgramsTimer;
        }
    }

    /// <summary>
    /// kvm_set_lapic_tscdeadline_msr from the WRMSR handler or fastpath: hrtimer_cancel, then
    /// start_hv_timer or start_sw_timer (or expire at once). Returns what the write costs.
    /// </summary>
    public SimSpan Write(SimTime deadline)
    {
        var c = _host.Costs;
        SimSpan cost = c.HostHrtimerStart; // hrtimer_cancel on every write
        Disarm();
        Deadline = deadline;
        if (deadline == SimTime.Zero)
        {
            return cost;
        }

        SimTime fireAt = deadline - Advance;
        if (fireAt <= _host.Sim.Now)
        {
            // set_hv_timer reports expired / start_sw_tscdeadline finds the deadline passed:
            // apic_timer_expired(apic, false).
            Expire();
            return cost + c.HvTimerProgram + c.TimerExpiredInject;
        }

        if (CanUseHvTimer)
        {
            Mode = LapicTimerMode.HvTimer;
            cost += c.HvTimerProgram;
        }
        else
        {
            Mode = LapicTimerMode.SwTimer;
            cost += c.HostHrtimerStart;
        }

        _fire.Arm(fireAt);
        return cost;
    }

    /// <summary>Passthrough timer: the guest wrote IA32_TSC_DEADLINE without an exit; the physical timer fires at the deadline itself.</summary>
    public void WritePhysical(SimTime deadline)
    {
        Disarm();
        Deadline = deadline;
        if (deadline == SimTime.Zero)
        {
            return;
        }

        if (deadline <= _host.Sim.Now)
        {
            // The physical timer fires at once: an external-interrupt exit follows.
            Mode = LapicTimerMode.Physical;
            _fire.Arm(_host.Sim.Now);
            return;
        }

        Mode = LapicTimerMode.Physical;
        _fire.Arm(deadline);
    }

    /// <summary>kvm_lapic_expired_hv_timer: cancel the hv timer and expire (handle_preemption_timer or its fastpath).</summary>
    public void ExpireHv()
    {
        HvElapsed = false;
        if (Mode == LapicTimerMode.HvTimer)
        {
            Expire();
        }
    }

    /// <summary>vmx_pre_block: a vCPU about to block cannot keep the preemption timer; returns the cost.</summary>
    public SimSpan SwitchToSw()
    {
        if (HvElapsed)
        {
            // Elapsed while in the host: start_sw_timer finds the deadline passed.
            HvElapsed = false;
            Expire();
            return _host.Costs.TimerExpiredInject;
        }

        if (Mode is LapicTimerMode.HvTimer or LapicTimerMode.Physical)
        {
            // Passthrough: "vCPU pre-block restores the VM timer to a software timer".
            // A physical timer fires at the deadline; the hrtimer that replaces it fires the advance early.
            if (Mode == LapicTimerMode.Physical && _fire.IsArmed)
            {
                SimTime at = Deadline - Advance;
                _fire.Arm(at > _host.Sim.Now ? at : _host.Sim.Now);
            }

            Mode = LapicTimerMode.SwTimer;

            return _host.Costs.HostHrtimerStart;
        }

        return SimSpan.Zero;
    }

    /// <summary>vmx_post_block: kvm_lapic_switch_to_hv_timer (restart_apic_timer); returns the cost.</summary>
    public SimSpan SwitchToHv()
    {
        if (Mode != LapicTimerMode.SwTimer || !CanUseHvTimer)
        {
            return SimSpan.Zero;
        }

        Mode = LapicTimerMode.HvTimer;
        return _host.Costs.HostHrtimerStart + _host.Costs.HvTimerProgram;
    }

    /// <summary>The expiry is injected into the vAPIC (kvm_inject_apic_timer_irqs / kvm_apic_inject_pending_timer_irqs).</summary>
    internal void TakePending()
    {
        Pending = false;
    }

    /// <summary>
    /// kvm_wait_lapic_expire at entry after a timer interrupt was injected: busy-wait until the
    /// guest's deadline (at most the advance) and adapt the advance. Returns the wait.
    /// </summary>
    internal SimSpan WaitAtEntry(SimTime entryAt)
    {
        if (_expiredDeadline is not { } deadline || Advance.Ns == 0)
        {
            _expiredDeadline = null;
            return SimSpan.Zero;
        }

        _expiredDeadline = null;
        long deltaNs = (entryAt - deadline).Ns; // advance_expire_delta (guest_tsc - tsc_deadline)
        SimSpan wait = deltaNs < 0 ? new SimSpan(Math.Min(-deltaNs, Advance.Ns)) : SimSpan.Zero;
        if (_vcpu.Vm.Config.AdaptiveTimerAdvance)
        {
            Advance = AdjustedAdvance(Advance, deltaNs, _host.Costs.TscGhz);
        }

        return wait;
    }

    /// <summary>
    /// adjust_lapic_timer_advance (arch/x86/kvm/lapic.c, v5.10): ignore errors under 100 or over
    /// 10000 TSC cycles; otherwise move the advance by 1/8 of the error (early: less advance,
    /// late: more); an advance above 5000 ns resets to 1000 ns.
    /// </summary>
    /// <param name="deltaNs">advance_expire_delta: the guest TSC at entry minus the deadline, in ns (negative: early).</param>
    public static SimSpan AdjustedAdvance(SimSpan advance, long deltaNs, double tscGhz)
    {
        double cycles = Math.Abs(deltaNs) * tscGhz;
        if (cycles > AdjustMaxCycles || cycles < AdjustMinCycles)
        {
            return advance;
        }

        long ns = advance.Ns + (deltaNs / AdjustStep);
        if (ns > AdvanceNsMax)
        {
            ns = AdvanceNsInit;
        }

        return new SimSpan(Math.Max(0, ns));
    }

    private void OnFire()
    {
        switch (Mode)
        {
            case LapicTimerMode.HvTimer:
                if (_vcpu.Mode == VcpuMode.InGuest)
                {
                    _vcpu.Exit(ExitReason.PreemptionTimer);
                }
                else
                {
                    HvElapsed = true;
                }

                break;
            case LapicTimerMode.Physical when _vcpu.Mode == VcpuMode.InGuest:
                // The physical LAPIC timer interrupt arrives in guest mode: an external-interrupt
                // exit, and KVM injects the guest's timer interrupt (no advance, nothing to wait out).
                Expire();
                _expiredDeadline = null;
                _vcpu.OnTimerInterrupt(hostTimer: false);
                break;
            case LapicTimerMode.Physical:
            case LapicTimerMode.SwTimer:
                // apic_timer_fn in the host's hrtimer interrupt: apic_timer_expired(apic, true) +
                // kvm_vcpu_kick.
                Expire();
                _vcpu.OnTimerInterrupt(hostTimer: true);
                break;
            case LapicTimerMode.Disarmed:
                break;
        }
    }

    private void Expire()
    {
        Mode = LapicTimerMode.Disarmed;
        _fire.Cancel();
        Pending = true;
        _expiredDeadline = Deadline;
        Expiries++;
    }

    private void Disarm()
    {
        _fire.Cancel();
        Mode = LapicTimerMode.Disarmed;
        HvElapsed = false;
    }
}
