using KvmLab.Engine.Time;
using KvmLab.Model.Guest;
using KvmLab.Model.Hardware;
using KvmLab.Policies;
using KvmLab.Scenarios;

namespace KvmLab.Experiments.Catalog;

/// <summary>
/// Li 2020: on a 2-socket Cascade Lake 48C/96T host, one 96-vCPU VM runs a benchmark while 0, 1
/// or 2 other 96-vCPU VMs run CPU-bound work; boosting preempted vCPUs, the queue head and the
/// IPI target gives +3.4% / +24% / +48.3%.
/// </summary>
public static class OvercommitBoost
{
    public const string Id = "overcommit-boost";

    private const int Vcpus = 96;

    internal static readonly string[] Upstream =
    [
        FeatureCatalog.IpiFastpath, FeatureCatalog.TimerFastpath, FeatureCatalog.ApicV, FeatureCatalog.HaltPolling,
        FeatureCatalog.HltExits, FeatureCatalog.PreemptionTimer, FeatureCatalog.AdaptiveTimerAdvance, FeatureCatalog.PauseLoopExiting,
    ];

    private static readonly string[] LiBoosts = [FeatureCatalog.BoostReadyOnWakeup, FeatureCatalog.BoostQueueHead, FeatureCatalog.PvSchedYield];

    private static ScenarioSpec Scenario(int vms, bool boost) => new()
    {
        Name = $"overcommit-{vms}vm" + (boost ? "-boost" : "-upstream"),
        Duration = SimSpan.FromMilliseconds(150),
        Warmup = SimSpan.FromMilliseconds(30),
        Machine = new MachineSpec { Pcpus = Vcpus },
        Profile = "xeon-8260",
        Features = boost ? [.. Upstream, .. LiBoosts] : Upstream,
        Vms =
        [
            // x2APIC in Linux's default cluster mode: a TLB shootdown to 95 CPUs is 6 ICR writes.
            new VmSpec { Vcpus = Vcpus, Pin = true, StartJitter = SimSpan.FromMilliseconds(5), Guest = new GuestConfig { X2ApicCluster = true } },
            .. Enumerable.Range(1, vms - 1).Select(_ => new VmSpec
            {
                Vcpus = Vcpus, Pin = true, StartJitter = SimSpan.FromMilliseconds(5), Guest = new GuestConfig { StressCpu = true },
            }),
        ],
        Workload = new WorkloadSpec { Type = "ebizzy" },
    };

    public static Experiment Create(int vms)
    {
        (double published, double tolerance) = vms switch
        {
            1 => (3.4, 3.0),
            2 => (24.0, 10.0),
            _ => (48.3, 15.0),
        };
        return new Experiment
        {
            Id = vms == 1 ? Id : $"{Id}.{vms}vms",
            Title = $"Boosting preempted vCPUs, the queue head and the IPI target: ebizzy with {vms} VM(s) on 96 pCPUs",
            Source = "kvm-latency-tuning-wanpeng-li.md: \"3.4 improvement for 1 vm, 24 improvement for 2 vms, 48.3 improvement for 3 vms\"",
            Setup = $"Xeon Platinum 8260 2S 48C/96T, {vms} x 96-vCPU VMs, vCPU j of every VM pinned to pCPU j, threads started within 5 ms; "
                + "VM 0 runs ebizzy -M (192 threads, pv qspinlock, PV TLB flush off), the others stress --cpu 96; upstream vs Li's three boosts",
            Metric = "records_per_s",
            Unit = "records/s",
            Variants =
            [
                new Variant("upstream (no boosts)", Scenario(vms, false)),
                new Variant("ready on wakeup + queue-head boost + PV sched yield", Scenario(vms, true)),
            ],
            PublishedChangePercent = published,
            Citation = "Li 2020 KVM Forum talk (seed kvm-latency-tuning-wanpeng-li.md)",
            Tolerance = tolerance,
            Calibration = false,
            Replications = vms switch { 1 => 3, 2 => 20, _ => 10 },
            Notes = "The talk names neither the benchmark nor the placement; chosen: ebizzy -M (the benchmark of every commit behind "
                + "these boosts: d73eb57b80b9, 266e85a5ec91, 715062970f37) and vCPUs pinned 1:1 per VM (unpinned placement collapses "
                + "to a directed-yield storm in both variants; see docs/RESULTS.md). 150 ms simulated per run. With 2 and 3 VMs pinned runs "
                + "are bimodal too: calm (PLE exits in the ten thousands per second, records bound by the mmap_lock count's cache line) "
                + "or a yield storm (millions of PLE exits and successful yields per second); which mode a run falls into decides the "
                + "2-VM change (seeds 1-3 at 3 replications: +12.5%, +21.3%, -2.3%), so the 2- and 3-VM rows run 20 and 10 "
                + "replications, and a verdict counts the whole interval (docs/METRICS.md, outcome).",
            WhatWouldItTake = vms switch
            {
                1 => "(kvmlab sensitivity, 3 Dec 2026) The two variants are identical and no field has any effect: with one VM every "
                    + "vCPU has its own pCPU and the host runs nothing else, so no vCPU is preempted and no yield candidate is ever "
                    + "ready, and the boosts act only on preempted vCPUs. It would take a source of vCPU preemption with one VM "
                    + "(host threads, QEMU's threads, kworkers, interrupts on the vCPUs' pCPUs), which the talk does not describe.",
                2 => "(kvmlab sensitivity, 3 Dec 2026; reproduce, 20 replications) +11.9% +-12.9 against +24% +-10: inconclusive. "
                    + "Runs are calm or a yield storm; 23 of 88 fields move the one-seed change non-monotonically "
                    + "(GuestInterruptEntryExit +10% takes it from +47% to +783%), so the two fields 'within their range' "
                    + "(CacheLineTransfer x0.93, Mm.LruAddPerPage x1.08) are artefacts of that, not a route. More replications "
                    + "narrow the interval (3 gave +-108 points, 20 give +-12.9) and the point lies below the band; a cost cannot "
                    + "close it. It would take a storm onset the mechanisms settle, with the boosts ending storms upstream stays in.",
                _ => "(kvmlab sensitivity, 3 Dec 2026; reproduce, 10 replications) +1.8% +-2.3 against +48.3% +-15: both variants storm "
                    + "(5.3 M PLE exits/s, every one followed by a successful yield) and end at the same throughput. No cost within its "
                    + "source's range (ExitHostIrqEnable x2.26 would leave its fit; 9 fields move non-monotonically). The storm is a "
                    + "lock-waiter-preemption convoy on the guest's LRU lock in which no waiter reaches SPIN_THRESHOLD, so none "
                    + "halts, no holder kicks and the queue-head boost has nothing to act on. It would take waiters that halt "
                    + "(spins that outlast a PLE window and its yield), or a convoy the boosts can break, which the talk does not describe.",
            },
        };
    }
}
