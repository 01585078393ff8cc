using KvmLab.Engine.Events;
using KvmLab.Engine.Random;
using KvmLab.Engine.Time;
using KvmLab.Engine.Tracing;
using KvmLab.Model.Guest;
using KvmLab.Model.Hardware;
using KvmLab.Model.HostOs;
using KvmLab.Model.Invariants;
using KvmLab.Model.Kvm.Exits;

namespace KvmLab.Model.Kvm;

/// <summary>The vCPU thread under the host scheduler: start, sched-in/out (kvm_sched_in, kvm_sched_out), wake-ups, reschedule requests and the host tick.</summary>
public sealed partial class Vcpu
{
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

    /// <summary>
    /// kvm_arch_vcpu_load on a pCPU other than the last (balancing on only): on VMX,
    /// vmx_vcpu_load_vmcs sees loaded_vmcs->cpu != cpu and loaded_vmcs_clear sends a synchronous
    /// smp_call_function_single to the old CPU to VMCLEAR the VMCS there (an IPI out and its
    /// completion back), then VMPTRLDs it here, rewrites the per-CPU host state and requests a TLB
    /// flush (KVM_REQ_TLB_FLUSH); vmx_vcpu_pi_load moves the posted-interrupt descriptor's NDST to
    /// the new APIC id (a cmpxchg on its line). ESTIMATE: VMCLEAR + VMPTRLD + the host-state
    /// writes and the flush as 10 cache-line transfers (the VMCS's live lines written back and
    /// refetched), and one transfer for the PI descriptor. On SVM svm_vcpu_load only marks the VMCB
    /// dirty and takes a new ASID (no IPI): the one transfer. (arch/x86/kvm/vmx/vmx.c, v5.10.)
    /// </summary>
    protected internal override SimSpan OnMigrated(Pcpu from, Pcpu to)
    {
        var c = _host.Costs;
        return c.Vendor == CpuVendor.Intel
            ? (c.PhysicalIpiLatency * 2) + (c.CacheLineTransfer * 11)
            : c.CacheLineTransfer;
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
    /// d73eb57b80b9) the woken vCPU becomes a directed-yield candidate. <paramref name="wakerCpu"/>:
    /// where the wake-up runs (null: on the vCPU's own pCPU, for its timer or an interrupt there).
    /// </summary>
    private void WakeThread(int? wakerCpu = null)
    {
        if (State == HostOs.ThreadState.Sleeping && Vm.Config.DirectedYield.ReadyOnWakeup)
        {
            Ready = true;
        }

        _host.Scheduler.Wake(this, wakerCpu);
        if (Mode == VcpuMode.Blocked && State == HostOs.ThreadState.Runnable)
        {
            Ledger.Enter((int)VcpuTime.Runnable, _host.Sim.Now);
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

    /// <summary>
    /// A device interrupt on this vCPU's pCPU: in guest mode it is an EXTERNAL_INTERRUPT exit whose
    /// handler runs the device's host handler; in the host it is taken there (its time, like the
    /// tick's, is not added to the exit path).
    /// </summary>
    protected internal override void OnHostInterrupt(SimSpan handler)
    {
        if (Mode == VcpuMode.InGuest)
        {
            Guest.OnLeaveGuest();
            BeginExit(ExitReason.ExternalInterrupt, 0, default, handler.Ns, null, ExternalCause.DeviceInterrupt);
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
}
