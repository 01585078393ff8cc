namespace KvmLab.Model.Guest;

/// <summary>The guest's spinlock implementation.</summary>
public enum SpinlockKind
{
    /// <summary>Ticket lock: FIFO, every waiter spins (arch/x86 before 4.2).</summary>
    Ticket,

    /// <summary>qspinlock: FIFO MCS queue, every waiter spins (kernel/locking/qspinlock.c).</summary>
    Qspinlock,

    /// <summary>pv qspinlock: waiters spin SPIN_THRESHOLD PAUSEs then halt; the unlocker kicks a halted queue head (KVM_HC_KICK_CPU).</summary>
    PvQspinlock,
}
