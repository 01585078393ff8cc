using KvmLab.Engine.Events;
using KvmLab.Engine.Time;
using KvmLab.Model.Kvm;

namespace KvmLab.Model.Guest;

/// <summary>Taking interrupts at instruction boundaries: the interrupted activity is saved, the handler runs, IRET resumes it.</summary>
public sealed partial class GuestCpu
{
    /// <summary>A posted interrupt reached the vCPU while in guest mode.</summary>
    internal void OnInterruptPosted()
    {
        if (!CanTakeInterrupt())
        {
            return;
        }

        if (_act == Activity.Halted)
        {
            // HLT without exiting woke up: resume after the handler.
            _act = Activity.None;
            _saved.Push(new Saved(Activity.None, 0, TakeThen(), null, false, null));
            BeginInterrupt();
            return;
        }

        SaveCurrentAndBeginInterrupt();
    }

    /// <summary>IRET: re-enable interrupts, take the next pending one or resume what was interrupted.</summary>
    internal void ReturnFromInterrupt()
    {
        InInterrupt = false;
        if (Vcpu.HasPendingInterrupt && InGuestMode)
        {
            BeginInterrupt();
            return;
        }

        Saved s = _saved.Pop();
        switch (s.Act)
        {
            case Activity.Compute:
                Compute(new SimSpan(s.RemainingNs), s.Then, s.User);
                break;
            case Activity.Spin:
                SpinUntil(s.Flag!, s.Then, s.RemainingNs == long.MaxValue ? null : new SimSpan(s.RemainingNs), s.OnBudget);
                break;
            default:
                s.Then();
                break;
        }
    }

    private bool CanTakeInterrupt() => !InInterrupt && !InterruptsDisabled && Vcpu.HasPendingInterrupt;

    /// <summary>RFLAGS.IF is clear (cli): a pending interrupt waits for sti (only kvm-unit-tests loops clear it here).</summary>
    public bool InterruptsDisabled { get; private set; }

    /// <summary>cli.</summary>
    public void Cli() => InterruptsDisabled = true;

    /// <summary>
    /// "sti; nop": IF is set and, past the STI shadow, a pending interrupt is taken before
    /// <paramref name="then"/>. With APICv, virtual-interrupt delivery evaluates RVI at once
    /// (SDM 30.2.2, no exit); without it, KVM asked for an interrupt window when it saw the
    /// interrupt blocked at entry (vmx_enable_irq_window), so the window opening exits
    /// (INTERRUPT_WINDOW) and the interrupt is injected on the way back in.
    /// </summary>
    public void StiNop(Action then)
    {
        InterruptsDisabled = false;
        if (!Vcpu.HasPendingInterrupt || InInterrupt)
        {
            then();
            return;
        }

        if (Vcpu.Vm.Config.ApicV || Vcpu.Vm.Config.Avic)
        {
            UserMode = false;
            _act = Activity.None;
            _saved.Push(new Saved(Activity.None, 0, then, null, false, null));
            BeginInterrupt();
            return;
        }

        ExitingInstruction(ExitReason.InterruptWindow, 0, default, then);
    }

    /// <summary>"sti; hlt": the HLT runs in the STI shadow and exits; KVM finds the interrupt pending and does not block (kvm_vcpu_check_block), and injects it.</summary>
    public void StiHlt(Action then)
    {
        InterruptsDisabled = false;
        Halt(then);
    }

    private void SaveCurrentAndBeginInterrupt()
    {
        // The segment, if one is advancing, is accounted once here. On re-entry with an interrupt
        // pending none is open: OnLeaveGuest accounted it, and the time in the host is not guest work.
        CloseSegment();
        long remaining = _act == Activity.Spin
            ? _spinBudgetNs
            : _remainingNs;

        _gen++;
        _saved.Push(new Saved(_act, remaining, TakeThen(), _spinFlag, UserMode, _onSpinBudget));
        _act = Activity.None;
        _spinFlag = null;
        _onSpinBudget = null;
        BeginInterrupt();
    }

    private void BeginInterrupt()
    {
        UserMode = false;
        InInterrupt = true;
        int vector = Vcpu.TakeHighestPendingVector();
        Kernel.HandleInterrupt(this, vector);
    }
}
