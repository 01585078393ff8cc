using KvmLab.Engine.Time;
using KvmLab.Model.Hardware;

namespace KvmLab.Model.Kvm.Exits;

/// <summary>
/// The full-path exit handlers (vmx_handle_exit's kvm_vmx_exit_handlers, svm's
/// svm_exit_handlers), one function per reason. Each returns its cost, from the platform's
/// <see cref="CostProfile"/>, and the effect the vCPU applies when that cost has been paid; what
/// happens at the handler's start (arming a timer, a PV kick, a directed yield) happens here.
/// </summary>
public static partial class ExitHandlers
{
    /// <summary>Dispatches on the exit reason (exhaustive over <see cref="ExitReason"/>).</summary>
    public static ExitHandling Handle(Vcpu v, in ExitInfo e) => e.Reason switch
    {
        ExitReason.MsrWrite => MsrWrite(v, e),
        ExitReason.ApicWrite => ApicWrite(v, e),
        ExitReason.Hlt => Hlt(v),
        ExitReason.ExternalInterrupt => ExternalInterrupt(v, e),
        ExitReason.PreemptionTimer => PreemptionTimer(v),
        ExitReason.Hypercall => Hypercall(v, e),
        ExitReason.PauseLoop => PauseLoop(v),
        ExitReason.AvicIncompleteIpi => AvicIncompleteIpi(v, e),
        ExitReason.EptMisconfig => EptMisconfig(v, e),
        ExitReason.Cpuid => Cpuid(v),
        ExitReason.IoInstruction => IoInstruction(v, e),
        ExitReason.MsrRead => MsrRead(v),
        ExitReason.CrAccess => CrAccess(v),
        ExitReason.InterruptWindow => InterruptWindow(v),
        _ => throw new InvalidOperationException($"No handler for {e.Reason}."),
    };

    /// <summary>handle_wrmsr: kvm_emulate_wrmsr; the ICR write sends an IPI, TSC_DEADLINE arms the timer at once.</summary>
    public static ExitHandling MsrWrite(Vcpu v, in ExitInfo e)
    {
        CostProfile c = v.Host.Costs;
        if (e.IsIcrWrite)
        {
            return new(c.WrmsrEmulation + IpiSendCost(v), ExitEffect.SendIpi);
        }

        if (e.Msr == MsrIndex.TscDeadline)
        {
            return new(c.WrmsrEmulation + v.Timer.Write(new SimTime(e.Data)), ExitEffect.None);
        }

        return new(c.WrmsrEmulation, ExitEffect.None);
    }

    /// <summary>handle_apic_write (APICv trap-like write to the APIC page): the ICR offset sends an IPI.</summary>
    public static ExitHandling ApicWrite(Vcpu v, in ExitInfo e)
    {
        CostProfile c = v.Host.Costs;
        return e.Msr == MsrIndex.XApicIcrOffset
            ? new(c.XapicMmioEmulation + IpiSendCost(v), ExitEffect.SendIpi)
            : new(c.XapicMmioEmulation, ExitEffect.None);
    }

    /// <summary>kvm_emulate_halt; vmx_pre_block's move of the hv timer to an hrtimer is paid here.</summary>
    public static ExitHandling Hlt(Vcpu v)
    {
        CostProfile c = v.Host.Costs;
        SimSpan timer = v.Timer.Mode is LapicTimerMode.HvTimer or LapicTimerMode.Physical ? c.HostHrtimerStart : SimSpan.Zero;
        return new(c.HltHandler + timer, ExitEffect.Halt);
    }

    /// <summary>handle_external_interrupt: the host's handler for whatever interrupted the guest.</summary>
    public static ExitHandling ExternalInterrupt(Vcpu v, in ExitInfo e)
    {
        CostProfile c = v.Host.Costs;
        SimSpan cost = e.Cause switch
        {
            ExternalCause.HostTimer => c.HostTimerInterrupt,       // hrtimer_interrupt -> apic_timer_fn
            ExternalCause.HostTick => c.HostTimerInterrupt,        // hrtimer_interrupt -> tick_sched_timer -> scheduler_tick
            ExternalCause.PassthroughTimer => c.TimerExpiredInject, // KVM injects the guest's timer vector
            ExternalCause.DeviceInterrupt => new SimSpan(e.Data),   // the device's handler, its profile cost carried by the interrupt
            _ => SimSpan.Zero,                                      // a kick: the reschedule IPI handler is trivial
        };
        return new(cost, ExitEffect.None);
    }

    /// <summary>handle_preemption_timer on the full path: kvm_lapic_expired_hv_timer.</summary>
    public static ExitHandling PreemptionTimer(Vcpu v)
    {
        CostProfile c = v.Host.Costs;
        return new(c.PreemptionTimerHandler + c.TimerExpiredInject, ExitEffect.ExpireHvTimer);
    }

    /// <summary>kvm_emulate_hypercall for KVM_HC_SEND_IPI, KVM_HC_KICK_CPU and KVM_HC_SCHED_YIELD.</summary>
    public static ExitHandling Hypercall(Vcpu v, in ExitInfo e)
    {
        CostProfile c = v.Host.Costs;
        SimSpan cost = c.HypercallHandler;
        Vm vm = v.Vm;
        switch (e.Data)
        {
            case Kvm.Hypercall.SendIpi:
                return new(cost + (IpiSendCost(v) * (e.Targets?.Length ?? 0)), ExitEffect.DeliverPvIpis);
            case Kvm.Hypercall.KickCpu:
            {
                // kvm_pv_kick_cpu_op, then (Li 2020, queue-head boost) kvm_sched_yield to the kicked vCPU.
                Vcpu kicked = vm.Vcpus[e.Targets![0]];
                kicked.PvKick(v.State == HostOs.ThreadState.Running ? v.Cpu?.Id : null);
                cost += c.IpiDeliveryPerTarget;
                bool yielded = false;
                if (vm.Config.DirectedYield.QueueHeadBoost)
                {
                    cost += SchedYieldTo(v, kicked, out yielded);
                }

                return new(cost, ExitEffect.None, yielded);
            }

            case Kvm.Hypercall.SchedYield:
            {
                cost += SchedYieldTo(v, vm.Vcpus[e.Targets![0]], out bool yielded);
                return new(cost, ExitEffect.None, yielded);
            }

            default:
                // An unknown number (vmexit.flat's vmcall passes 0): kvm_emulate_hypercall returns -KVM_ENOSYS.
                return new(cost, ExitEffect.None);
        }
    }

    /// <summary>
    /// handle_pause (PAUSE_INSTRUCTION exit): grow_ple_window, then kvm_vcpu_on_spin(vcpu,
    /// yield_to_kernel_mode = true — PLE exits happen only at CPL0).
    /// </summary>
    public static ExitHandling PauseLoop(Vcpu v)
    {
        CostProfile c = v.Host.Costs;
        v.GrowPleWindow();
        SpinResult r = VcpuOnSpin.Run(v, yieldToKernelMode: true);
        return new(c.PauseExitHandler + (c.SpinCandidateCheck * r.CandidatesChecked) + (c.YieldTo * r.YieldAttempts), ExitEffect.None, r.Yielded);
    }

    /// <summary>avic_incomplete_ipi_interception: scan every vCPU for the targets, deliver to those not running.</summary>
    public static ExitHandling AvicIncompleteIpi(Vcpu v, in ExitInfo e)
    {
        CostProfile c = v.Host.Costs;
        Vm vm = v.Vm;
        SimSpan cost = c.AvicIncompleteIpiHandler
            + (c.AvicScanPerVcpu * vm.Vcpus.Count)
            + (c.IpiDeliveryPerTarget * vm.Targets(v, e.Icr).Count(t => !t.AvicIsRunning));
        return new(cost, ExitEffect.WakeAvicTargets);
    }

    /// <summary>kvm_apic_send_ipi's per-target work, plus posting the interrupt with APICv.</summary>
    public static SimSpan IpiSendCost(Vcpu v) =>
        v.Host.Costs.IpiDeliveryPerTarget + (v.Vm.Config.ApicV ? v.Host.Costs.PostedInterruptPost : SimSpan.Zero);

    /// <summary>kvm_sched_yield: yield to the target if it is ready and not the caller; the attempt costs a yield_to.</summary>
    private static SimSpan SchedYieldTo(Vcpu v, Vcpu target, out bool yielded)
    {
        yielded = false;
        v.Vm.YieldStats.SchedYieldCalls++;
        if (target == v || !target.Ready)
        {
            return SimSpan.Zero;
        }

        yielded = v.Vm.YieldTo(v, target) > 0;
        return v.Host.Costs.YieldTo;
    }
}
