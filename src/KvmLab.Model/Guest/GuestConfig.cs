namespace KvmLab.Model.Guest;

/// <summary>What runs inside a VM.</summary>
public enum GuestKernelKind
{
    /// <summary>A Linux guest: idle loop around HLT, call-function IPIs through the csd queues.</summary>
    Linux,

    /// <summary>A kvm-unit-tests image: APs sit in "hlt; jmp 1b" with no idle-loop work (x86/cstart64.S).</summary>
    KvmUnitTests,
}

/// <summary>The guest kernel's configuration.</summary>
public sealed record GuestConfig
{
    public GuestKernelKind Kind { get; init; } = GuestKernelKind.Linux;

    /// <summary>x2APIC (ICR by WRMSR 0x830) rather than xAPIC MMIO.</summary>
    public bool X2Apic { get; init; } = true;

    /// <summary>
    /// x2APIC cluster mode (Linux's default x2apic_cluster driver: logical destinations, one ICR
    /// write per 16-CPU cluster) rather than physical mode (x2apic_phys: one write per CPU).
    /// </summary>
    public bool X2ApicCluster { get; init; }

    /// <summary>CONFIG_HZ of the guest's periodic tick; 0 leaves the tick out of the model.</summary>
    public int Hz { get; init; }

    /// <summary>idle=poll: the idle loop spins in the guest (cpu_idle_poll) and never executes HLT.</summary>
    public bool IdlePoll { get; init; }

    /// <summary>
    /// The cpuidle-haltpoll driver and governor (drivers/cpuidle/cpuidle-haltpoll.c, governors/haltpoll.c):
    /// the idle loop polls in the guest for an adaptive limit before HLT, and host halt polling is
    /// off for every vCPU (MSR_KVM_POLL_CONTROL). idle=poll, when also set, wins (it bypasses cpuidle).
    /// </summary>
    public bool HaltPoll { get; init; }

    /// <summary>
    /// The cpuidle driver and governor of a halting idle loop (<see cref="GuestCpuIdle"/>): none
    /// (the tick stops on every idle entry) or menu. Ignored with idle=poll and with cpuidle-haltpoll.
    /// </summary>
    public GuestCpuIdle CpuIdle { get; init; } = GuestCpuIdle.None;

    /// <summary>The kernel's spinlock: pv qspinlock is what a KVM guest with KVM_FEATURE_PV_UNHALT uses (kvm_spinlock_init).</summary>
    public SpinlockKind Spinlock { get; init; } = SpinlockKind.PvQspinlock;

    /// <summary>What runs on every vCPU besides the scenario's workload: nothing, or a `stress --cpu` hog per vCPU.</summary>
    public bool StressCpu { get; init; }
}
