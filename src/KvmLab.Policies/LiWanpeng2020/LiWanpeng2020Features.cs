namespace KvmLab.Policies.LiWanpeng2020;

/// <summary>Wanpeng Li's latency and overcommit work (KVM Forum 2020 talk, seed kvm-latency-tuning-wanpeng-li.md), each by its commit.</summary>
public static class LiWanpeng2020Features
{
    public static IReadOnlyList<FeatureInfo> All { get; } =
    [
        new(FeatureCatalog.IpiFastpath, "Single-target x2APIC ICR writes sent from the early exit fastpath (IRQs off)",
            "Li 2020; commits 1e9e2622a149, a9ab13ff6e84 (Linux 5.6-5.7)", true, s => s.IcrFastpath = new IcrWriteFastpath()),
        new(FeatureCatalog.TimerFastpath, "TSC_DEADLINE writes and preemption-timer exits handled with IRQs off, re-entering the guest directly",
            "Li 2020; commits ae95f566b3d2, 26efe2fd92e5 (Linux 5.8)", true, s => s.TimerFastpath = new TimerFastpath()),
        new(FeatureCatalog.BoostReadyOnWakeup, "Li: a vCPU woken to receive an interrupt is 'ready', a directed-yield candidate",
            "commit d73eb57b80b9 (Message-Id <1563457031-21189-1-git-send-email-pbonzini@redhat.com>)", false, s => s.DirectedYield(d => d with { ReadyOnWakeup = true })),
        new(FeatureCatalog.BoostQueueHead, "Li: KVM_HC_KICK_CPU yields to the kicked pv-qspinlock queue head",
            "commit 266e85a5ec91", false, s => s.DirectedYield(d => d with { QueueHeadBoost = true })),
        new(FeatureCatalog.PvSchedYield, "Li: the guest yields to a preempted call-function IPI target with KVM_HC_SCHED_YIELD",
            "commit 715062970f37 (host); Message-Id <1558953255-9432-2-git-send-email-wanpengli@tencent.com> (guest)", false, s => s.DirectedYield(d => d with { PvSchedYield = true })),
        new(FeatureCatalog.BoostUserPendingIrq, "Li (5.13): a candidate preempted in user mode stays eligible if it has an interrupt pending",
            "commit 52acd22faa1a", false, s => s.SpinFilter = new PendingIrqSpinFilter()),
    ];
}
