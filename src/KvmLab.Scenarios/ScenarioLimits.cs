using KvmLab.Engine.Time;

namespace KvmLab.Scenarios;

/// <summary>
/// The bounds every number in a scenario is checked against at load time, each with the reason it
/// is where it is. A value outside them is refused with the bound in the message; nothing is
/// clamped or truncated. docs/SCENARIOS.md lists them for users.
/// </summary>
public static class ScenarioLimits
{
    /// <summary>
    /// The longest simulated time a run, and any one duration in it, may span: one hour. The model
    /// runs about 5-10 million events per second, so an hour of an IPI loop is about two hours of
    /// wall time (kut-ipi: 1 s simulated in 2.1 s on a 2-core machine); published runs are seconds
    /// to a minute (memtier 60 s), and a larger value is a unit slip (1e9 written for 1ms) that
    /// would look like a hang. It also keeps every sum of instants far from the 292 years a
    /// nanosecond count in a long can hold.
    /// </summary>
    public static readonly SimSpan MaxDuration = SimSpan.FromSeconds(3600);

    /// <summary><see cref="MaxDuration"/> in whole microseconds, the bound of the workloads' <c>*_us</c> keys.</summary>
    public const long MaxMicroseconds = 3_600_000_000;

    /// <summary>kvm.halt_poll_ns is an unsigned int module parameter (virt/kvm/kvm_main.c, <c>unsigned int halt_poll_ns</c>).</summary>
    public const long MaxHaltPollNs = uint.MaxValue;

    /// <summary>The adaptive advance stops at 5000 ns in the kernel (arch/x86/kvm/lapic.c, LAPIC_TIMER_ADVANCE_NS_MAX).</summary>
    public const long MaxTimerAdvanceNs = 5000;

    /// <summary>KVM_MAX_VCPUS on x86 (1024 since Linux 5.15, arch/x86/include/asm/kvm_host.h).</summary>
    public const int MaxVcpusPerVm = 1024;

    /// <summary>Host CPUs: the loader's bound since its first version; the largest published host here has 192.</summary>
    public const int MaxPcpus = 4096;

    /// <summary>Sockets (NUMA nodes): Linux's default CONFIG_NODES_SHIFT on x86_64 allows 64 nodes.</summary>
    public const int MaxSockets = 64;

    /// <summary>Hardware threads per core: 2 on x86 (Hyper-Threading, AMD SMT); 8 is POWER's SMT8, the largest Linux runs.</summary>
    public const int MaxThreadsPerCore = 8;

    /// <summary>VMs on one host: far more than any published setup (three); each VM costs memory and a guest kernel.</summary>
    public const int MaxVms = 256;

    /// <summary>CONFIG_HZ and a guest's tick: 10 kHz is ten times the largest Kconfig choice (HZ_1000).</summary>
    public const int MaxHz = 10_000;

    /// <summary>An NVMe datasheet gives microseconds; one second is a unit slip (1s for 1us), not a drive.</summary>
    public static readonly SimSpan MaxDeviceLatency = SimSpan.FromSeconds(1);

    /// <summary>
    /// Counts of guest threads, locks, host threads and connections: the model creates one object per
    /// item at install time, so the memory estimate (<see cref="MemoryEstimate"/>) is the real bound;
    /// this one keeps every product of counts inside an int.
    /// </summary>
    public const int MaxCount = 1_000_000;

    /// <summary>A scenario file is a few hundred bytes; a megabyte is not a scenario (and bounds the parser's work).</summary>
    public const int MaxFileBytes = 1 << 20;

    /// <summary>A scenario nests four levels deep; deeper flow or block nesting is refused before it can exhaust the parser's stack.</summary>
    public const int MaxYamlDepth = 32;
}
