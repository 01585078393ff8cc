using KvmLab.Engine.Events;
using KvmLab.Engine.Random;
using KvmLab.Engine.Time;
using KvmLab.Engine.Tracing;
using KvmLab.Model.Guest;
using KvmLab.Model.HostOs;
using KvmLab.Model.Invariants;
using KvmLab.Model.Kvm.Exits;

namespace KvmLab.Model.Kvm;

/// <summary>Interrupt delivery to this vCPU: the LAPIC timer's expiry, fixed interrupts (posted or kicked), AVIC wake-ups, KVM_HC_KICK_CPU.</summary>
public sealed partial class Vcpu
{
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
    /// <paramref name="senderCpu"/> is the pCPU whose code delivers it (an IPI's sender): a halted
    /// target's kvm_vcpu_kick -> try_to_wake_up runs there (select_task_rq_fair's this_cpu); null
    /// for a device or timer interrupt.
    /// </summary>
    public void AcceptInterrupt(int vector, int? senderCpu = null)
    {
        bool wasPending = HasPendingInterrupt;
        SetIrr(vector);
        Notify(wasPending, senderCpu);
    }

    /// <summary>
    /// A passed-through device's MSI, remapped by the IOMMU into a posted interrupt (VT-d posted
    /// interrupts, arch/x86/kvm/vmx/posted_intr.c, v5.10): PIR is set and a running vCPU gets the
    /// notification as for any posted interrupt. For a halted vCPU pi_pre_block has switched the
    /// descriptor to the wake-up vector: the notification lands on the vCPU's pCPU as a host
    /// interrupt, whose handler (pi_wakeup_handler) kicks the vCPU.
    /// </summary>
    public void PostDeviceInterrupt(int vector)
    {
        if (Mode is not (VcpuMode.Blocked or VcpuMode.Polling) || Cpu is not { } pcpu)
        {
            AcceptInterrupt(vector);
            return;
        }

        SetIrr(vector);
        _host.Sim.ScheduleAfter(_host.Costs.PhysicalIpiLatency, this, KindWakeupVector, pcpu.Id);
    }

    /// <summary>POSTED_INTR_WAKEUP_VECTOR reached the pCPU: its handler runs there, then kicks this vCPU.</summary>
    private void OnWakeupVector(int pcpu) =>
        _host.Scheduler.Interrupt(_host.Pcpus[pcpu], _host.Costs.Storage.PiWakeupHandler, "pi_wakeup", _wakeUpAction ??= WakeUp);

    private Action? _wakeUpAction;

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

    private void Notify(bool wasPending, int? senderCpu = null)
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
                WakeThread(senderCpu);
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

    /// <summary>KVM_HC_KICK_CPU (kvm_pv_kick_cpu_op): set pv_unhalted and kick the halted vCPU.</summary>
    internal void PvKick(int? senderCpu = null)
    {
        PvUnhalted = true;
        switch (Mode)
        {
            case VcpuMode.Polling:
                SchedulePollDetect(_host.Costs.CacheLineTransfer);
                break;
            case VcpuMode.Blocked:
                WakeThread(senderCpu);
                break;
            default:
                break;
        }
    }

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
}
