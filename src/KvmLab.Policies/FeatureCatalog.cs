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

    public static IReadOnlyList<IPolicyInfo> Policies { get; } =
    [
        new NoIcrFastpath(),
        new IcrWriteFastpath(),
        new NoTimerFastpath(),
        new TimerFastpath(),
        new AdaptiveHaltPoll(SimSpan.FromMicroseconds(200)),
    ];

    public static IReadOnlySet<string> Defaults { get; } = All.Where(f => f.OnByDefault).Select(f => f.Id).ToHashSet(StringComparer.Ordinal);

    public static FeatureInfo? Find(string id) => All.FirstOrDefault(f => f.Id == id);

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
    };

    /// <param name="haltPollMax">The module's halt_poll_ns (the VM's max_halt_poll_ns).</param>
    public static KvmPolicies PoliciesFor(IReadOnlySet<string> enabled, SimSpan haltPollMax) => new(
        enabled.Contains(IpiFastpath) ? new IcrWriteFastpath() : new NoIcrFastpath(),
        new AdaptiveHaltPoll(enabled.Contains(HaltPolling) ? haltPollMax : SimSpan.Zero),
        enabled.Contains(TimerFastpath) ? new TimerFastpath() : new NoTimerFastpath());
}
