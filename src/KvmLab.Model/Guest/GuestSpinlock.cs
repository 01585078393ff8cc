using KvmLab.Engine.Time;
using KvmLab.Model.Kvm;

namespace KvmLab.Model.Guest;

/// <summary>
/// A guest kernel spinlock with FIFO hand-off (ticket lock and qspinlock serve waiters in arrival
/// order: kernel/locking/qspinlock.c). A waiter spins on its own word until the lock is handed to
/// it; a preempted waiter at the head keeps everyone behind it waiting (lock-waiter preemption),
/// a preempted holder keeps them all spinning (lock-holder preemption). The pv qspinlock
/// (kernel/locking/qspinlock_paravirt.h, arch/x86/kernel/kvm.c) spins SPIN_THRESHOLD (1 &lt;&lt; 15)
/// PAUSEs, halts early when the waiter ahead is halted (pv_wait_early), halts in pv_wait (HLT)
/// and is kicked by the unlocker with KVM_HC_KICK_CPU when the lock reaches it; while the head is
/// halted its pending bit is clear and a newcomer may steal the free lock
/// (pv_hybrid_queued_unfair_trylock), after which the woken head waits again.
/// </summary>
public sealed class GuestSpinlock(string name, SpinlockKind kind)
{
    private const int SpinThreshold = 1 << 15;

    private readonly LinkedList<Waiter> _waiters = new();

    public string Name { get; } = name;

    public SpinlockKind Kind { get; } = kind;

    public GuestCpu? Owner { get; private set; }

    public long Acquisitions { get; private set; }

    public long Contended { get; private set; }

    public long Kicks { get; private set; }

    /// <summary>Acquisitions that stole a free lock past a halted queue head (pv only).</summary>
    public long Steals { get; private set; }

    public int Waiting => _waiters.Count;

    /// <summary>spin_lock: take it if free, else queue and spin (and, for pv, halt) until handed over.</summary>
    public void Lock(GuestCpu cpu, Action then)
    {
        HostContext host = cpu.Kernel.Host;
        Acquisitions++;

        // spin_lock disables preemption (preempt_disable) until spin_unlock.
        if (cpu.CurrentTask is { } task)
        {
            task.PreemptCount++;
        }

        // Free and nobody queued, or (pv) free while the queue head is halted — its pending bit is
        // clear, so pv_hybrid_queued_unfair_trylock steals the lock.
        if (Owner is null && (_waiters.Count == 0 || (Kind == SpinlockKind.PvQspinlock && _waiters.First!.Value.Halted)))
        {
            if (_waiters.Count > 0)
            {
                Steals++;
            }

            Owner = cpu;
            cpu.Compute(host.Costs.CacheLineTransfer, then); // the cmpxchg on the lock word
            return;
        }

        Contended++;
        var w = new Waiter(cpu, new GuestFlag(), then);
        w.Granted.Arm(1);
        Waiter? ahead = _waiters.Last?.Value;
        _waiters.AddLast(w);
        if (Kind == SpinlockKind.PvQspinlock && ahead is { Halted: true })
        {
            PvWait(w); // pv_wait_early: the node ahead is not running
            return;
        }

        Spin(w);
    }

    /// <summary>spin_unlock: hand the lock to the first waiter; kick it (an exit here) if it halted.</summary>
    public void Unlock(GuestCpu cpu, Action then)
    {
        if (Owner != cpu)
        {
            throw new InvalidOperationException($"{Name}: unlocked by CPU {cpu.Id}, held by {Owner?.Id.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "nobody"}.");
        }

        if (cpu.CurrentTask is { } task)
        {
            task.PreemptCount--;
        }

        if (_waiters.First is not { } first)
        {
            Owner = null;
            then();
            return;
        }

        Waiter head = first.Value;
        if (head.Halted)
        {
            // __pv_queued_spin_unlock_slowpath: the lock word goes to 0 (anyone may steal it now)
            // and the halted head is kicked with KVM_HC_KICK_CPU; it takes the lock if still free.
            Owner = null;
            Kicks++;
            cpu.ExitingInstruction(ExitReason.Hypercall, 0, default, then, Hypercall.KickCpu, [head.Cpu.Id]);
            return;
        }

        // The head spins with the pending bit set: the lock passes to it (FIFO).
        _waiters.RemoveFirst();
        Owner = head.Cpu;
        head.Granted.Signal();
        then();
    }

    private void Spin(Waiter w)
    {
        if (Kind != SpinlockKind.PvQspinlock)
        {
            w.Cpu.SpinUntil(w.Granted, w.Then);
            return;
        }

        SimSpan budget = w.Cpu.Kernel.Host.Costs.PauseInstruction * SpinThreshold;
        w.Cpu.SpinUntil(w.Granted, w.Then, budget, () => PvWait(w));
    }

    /// <summary>pv_wait -> kvm_wait: halt unless the lock already came; after a wake-up, check and spin again.</summary>
    private void PvWait(Waiter w)
    {
        if (w.Granted.IsSet)
        {
            w.Then();
            return;
        }

        w.Halted = true;
        w.Cpu.Halt(() =>
        {
            w.Halted = false;
            if (w.Granted.IsSet)
            {
                w.Then();
            }
            else if (Owner is null && _waiters.First?.Value == w)
            {
                // Kicked head: the lock is free, take it (trylock_clear_pending).
                _waiters.RemoveFirst();
                Owner = w.Cpu;
                w.Granted.Signal();
                w.Cpu.Compute(w.Cpu.Kernel.Host.Costs.CacheLineTransfer, w.Then);
            }
            else
            {
                Spin(w);
            }
        });
    }

    private sealed class Waiter(GuestCpu cpu, GuestFlag granted, Action then)
    {
        public GuestCpu Cpu { get; } = cpu;

        public GuestFlag Granted { get; } = granted;

        public Action Then { get; } = then;

        public bool Halted { get; set; }
    }
}
