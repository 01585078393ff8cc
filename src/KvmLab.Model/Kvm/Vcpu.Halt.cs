using KvmLab.Engine.Events;
using KvmLab.Engine.Random;
using KvmLab.Engine.Time;
using KvmLab.Engine.Tracing;
using KvmLab.Model.Guest;
using KvmLab.Model.HostOs;
using KvmLab.Model.Invariants;
using KvmLab.Model.Kvm.Exits;

namespace KvmLab.Model.Kvm;

/// <summary>HLT: vcpu_block with halt polling, sleeping and waking (virt/kvm/kvm_main.c kvm_vcpu_block, v5.10).</summary>
public sealed partial class Vcpu
{
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
        SimSpan window = HostHaltPollAllowed ? Vm.Policies.HaltPoll.PollWindow(HaltPollWindow) : SimSpan.Zero;
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
        if (HasWork)
        {
            // Work arrived whose detection is still in flight (the host timer interrupt's handler, a
            // kick's cache line): kvm_vcpu_block checks kvm_vcpu_check_block once more before
            // schedule() (v5.10: the rcuwait loop after polling), so the vCPU does not sleep; the
            // pending detection ends the block. Sleeping here lost the wake-up: the vCPU slept until
            // an unrelated event (virt/kvm/kvm_main.c kvm_vcpu_block).
            return;
        }

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
}
