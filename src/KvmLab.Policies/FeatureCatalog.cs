using KvmLab.Engine.Time;
using KvmLab.Model.Kvm;
using KvmLab.Policies.LiWanpeng2020;
using KvmLab.Policies.Upstream;

namespace KvmLab.Policies;

/// <summary>
/// Every feature a scenario may enable, with its source, and how a set of enabled features
/// becomes KVM's configuration and policies. Defaults are Linux 5.10 on an Intel host with APICv.
/// </summary>
public static class FeatureCatalog
{
    public const string IpiFastpath = "ipi-fastpath";
    public const string TimerFastpath = "timer-fastpath";
    public const string ApicV = "apicv";
    public const string Avic = "avic";
    public const string HaltPolling = "halt-polling";
    public const string HltExits = "hlt-exits";
    public const string PreemptionTimer = "preemption-timer";
    public const string MwaitInGuest = "mwait-in-guest";
    public const string AdaptiveTimerAdvance = "adaptive-timer-advance";
    public const string PvSendIpi = "pv-send-ipi";
    public const string PassthroughTimer = "passthrough-timer";
    public const string ExitlessPvIpi = "exitless-pv-ipi";
    public const string PauseLoopExiting = "ple";
    public const string BoostReadyOnWakeup = "boost-ready-on-wakeup";
    public const string BoostQueueHead = "boost-queue-head";
    public const string PvSchedYield = "pv-sched-yield";
    public const string BoostUserPendingIrq = "boost-user-pending-irq";
    public const string DeboostYielder = "deboost-yielder";
    public const string IpiSenderBoost = "ipi-sender-boost";

    public static IReadOnlyList<FeatureInfo> All { get; } =
    [
        new(IpiFastpath, "Single-target x2APIC ICR writes sent from the early exit fastpath (IRQs off)",
            "Li 2020; commits 1e9e2622a149, a9ab13ff6e84 (Linux 5.6-5.7)", true),
        new(TimerFastpath, "TSC_DEADLINE writes and preemption-timer exits handled with IRQs off, re-entering the guest directly",
            "Li 2020; commits ae95f566b3d2, 26efe2fd92e5 (Linux 5.8)", true),
        new(ApicV, "Intel posted interrupts and virtual-interrupt delivery: no exit to receive an IPI, EOI virtualized",
            "Intel SDM vol. 3 ch. 29; arch/x86/kvm/vmx/vmx.c vmx_deliver_posted_interrupt", true),
        new(Avic, "AMD AVIC: IPIs to running vCPUs delivered by hardware; an exit and a scan of all vCPUs when a target is not running (xAPIC guests)",
            "AMD APM vol. 2 ch. 15.29; arch/x86/kvm/svm/avic.c avic_incomplete_ipi_interception (v5.10)", false),
        new(HaltPolling, "Host halt polling before a halted vCPU's thread sleeps (adaptive, up to halt_poll_ns)",
            "virt/kvm/kvm_main.c kvm_vcpu_block (v5.10); commit aca6ff29c406", true),
        new(HltExits, "HLT exits to the host (off = KVM_X86_DISABLE_EXITS_HLT, QEMU -overcommit cpu-pm=on)",
            "arch/x86/kvm/x86.c KVM_CAP_X86_DISABLE_EXITS", true),
        new(PreemptionTimer, "The VMX preemption timer emulates the guest's TSC-deadline timer while the vCPU runs (Intel only)",
            "arch/x86/kvm/lapic.c start_hv_timer, kvm_intel preemption_timer (v5.10)", true),
        new(MwaitInGuest, "MWAIT passed through (KVM_X86_DISABLE_EXITS_MWAIT): kvm_can_use_hv_timer is false, so timers use host hrtimers",
            "arch/x86/kvm/lapic.c kvm_can_use_hv_timer (v5.10)", false),
        new(AdaptiveTimerAdvance, "lapic_timer_advance_ns = -1: fire the timer early and adapt the advance to the injection latency",
            "arch/x86/kvm/lapic.c adjust_lapic_timer_advance (v5.10); commit 3b8a5df6c4dc", true),
        new(PvSendIpi, "KVM_FEATURE_PV_SEND_IPI exposed: a multicast is one KVM_HC_SEND_IPI hypercall per 128 APIC ids",
            "commits 4180bf1b655a (host), aaffcfd1e82d (guest); arch/x86/kernel/kvm.c __send_ipi_mask", false),
        new(PassthroughTimer, "ByteDance passthrough timer: TSC_DEADLINE not intercepted, the host's timer moved to the preemption timer in guest mode",
            "Huaqiao/ByteDance KVM Forum 2020; RFC <20201228091559.25745-1-fengzhimin@bytedance.com> (not merged)", false, RequiresTrustedGuest: true),
        new(ExitlessPvIpi, "ByteDance exit-less PV IPI: the guest posts into the target's PI descriptor and writes the ICR unintercepted",
            "Huaqiao/ByteDance KVM Forum 2020; RFC <0C23CC2D-B770-43D0-8215-20CE591F2E8F@bytedance.com> (not merged)", false, RequiresTrustedGuest: true),
    ];

    /// <summary>Pause-loop exiting and the boosting rules of MECHANISMS.md section 5, each from its source.</summary>
    public static IReadOnlyList<FeatureInfo> Overcommit { get; } =
    [
        new(PauseLoopExiting, "Pause-loop exiting: a CPL0 PAUSE loop longer than ple_window exits and kvm_vcpu_on_spin yields to a candidate",
            "arch/x86/kvm/vmx/vmx.c handle_pause, grow/shrink_ple_window; virt/kvm/kvm_main.c kvm_vcpu_on_spin (v5.6)", true),
        new(BoostReadyOnWakeup, "Li: a vCPU woken to receive an interrupt is 'ready', a directed-yield candidate",
            "commit d73eb57b80b9 (Message-Id <1563457031-21189-1-git-send-email-pbonzini@redhat.com>)", false),
        new(BoostQueueHead, "Li: KVM_HC_KICK_CPU yields to the kicked pv-qspinlock queue head",
            "commit 266e85a5ec91", false),
        new(PvSchedYield, "Li: the guest yields to a preempted call-function IPI target with KVM_HC_SCHED_YIELD",
            "commit 715062970f37 (host); Message-Id <1558953255-9432-2-git-send-email-wanpengli@tencent.com> (guest)", false),
        new(BoostUserPendingIrq, "Li (5.13): a candidate preempted in user mode stays eligible if it has an interrupt pending",
            "commit 52acd22faa1a", false),
        new(DeboostYielder, "Ishiguro: raise the yielder's vruntime so CFS honours the next buddy on a shared run queue",
            "RFC patch 1, Message-Id <20210421150831.60133-2-kentaishiguro@sslab.ics.keio.ac.jp>", false),
        new(IpiSenderBoost, "Ishiguro: boost halted or user-mode candidates only for spinners that sent them an IPI (strict boost)",
            "RFC patch 2, Message-Id <20210421150831.60133-3-kentaishiguro@sslab.ics.keio.ac.jp>", false),
    ];

    public static IReadOnlyList<IPolicyInfo> Policies { get; } =
    [
        new NoIcrFastpath(),
        new IcrWriteFastpath(),
        new NoTimerFastpath(),
        new TimerFastpath(),
        new AdaptiveHaltPoll(SimSpan.FromMicroseconds(200)),
    ];

    /// <summary>Every feature: interrupt and timer delivery, then overcommit handling.</summary>
    public static IReadOnlyList<FeatureInfo> Every { get; } = [.. All, .. Overcommit];

    public static IReadOnlySet<string> Defaults { get; } = Every.Where(f => f.OnByDefault).Select(f => f.Id).ToHashSet(StringComparer.Ordinal);

    public static FeatureInfo? Find(string id) => Every.FirstOrDefault(f => f.Id == id);

    public static KvmConfig ConfigFor(IReadOnlySet<string> enabled) => new()
    {
        ApicV = enabled.Contains(ApicV),
        Avic = enabled.Contains(Avic),
        HltExits = enabled.Contains(HltExits),
        PreemptionTimer = enabled.Contains(PreemptionTimer),
        MwaitInGuest = enabled.Contains(MwaitInGuest),
        AdaptiveTimerAdvance = enabled.Contains(AdaptiveTimerAdvance),
        PvSendIpi = enabled.Contains(PvSendIpi),
        PassthroughTimer = enabled.Contains(PassthroughTimer),
        ExitlessPvIpi = enabled.Contains(ExitlessPvIpi),
        PauseLoopExiting = enabled.Contains(PauseLoopExiting),
        DirectedYield = new DirectedYieldOptions
        {
            ReadyOnWakeup = enabled.Contains(BoostReadyOnWakeup),
            QueueHeadBoost = enabled.Contains(BoostQueueHead),
            PvSchedYield = enabled.Contains(PvSchedYield),
            UserModePendingInterrupt = enabled.Contains(BoostUserPendingIrq),
            DeboostYielder = enabled.Contains(DeboostYielder),
            IpiSenderAware = enabled.Contains(IpiSenderBoost),
        },
    };

    /// <param name="haltPollMax">The module's halt_poll_ns (the VM's max_halt_poll_ns).</param>
    public static KvmPolicies PoliciesFor(IReadOnlySet<string> enabled, SimSpan haltPollMax) => new(
        enabled.Contains(IpiFastpath) ? new IcrWriteFastpath() : new NoIcrFastpath(),
        new AdaptiveHaltPoll(enabled.Contains(HaltPolling) ? haltPollMax : SimSpan.Zero),
        enabled.Contains(TimerFastpath) ? new TimerFastpath() : new NoTimerFastpath());
}
