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

    private bool CanTakeInterrupt() => !InInterrupt && Vcpu.HasPendingInterrupt;

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
