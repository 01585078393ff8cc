using KvmLab.Engine.Time;
using KvmLab.Model.Kvm;
using KvmLab.Model.Hardware;
using KvmLab.Policies.ByteDance2020;
using KvmLab.Policies.Ishiguro2021;
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
    public const string IpiReceivedBoost = "ipi-received-boost";

    /// <summary>Every feature, by source: upstream first, then each source's changes (the order they are applied in).</summary>
    public static IReadOnlyList<FeatureInfo> Every { get; } =
    [
        .. From("Upstream", UpstreamFeatures.All),
        .. From("LiWanpeng2020", LiWanpeng2020Features.All),
        .. From("Ishiguro2021", Ishiguro2021Features.All),
        .. From("ByteDance2020", ByteDance2020Features.All),
    ];

    /// <summary>Every policy implementation, for `kvmlab list`.</summary>
    public static IReadOnlyList<IPolicyInfo> Policies { get; } =
    [
        new NoIcrFastpath(),
        new IcrWriteFastpath(),
        new NoTimerFastpath(),
        new TimerFastpath(),
        new AdaptiveHaltPoll(SimSpan.FromMicroseconds(200)),
        new UpstreamSpinFilter(),
        new PendingIrqSpinFilter(),
        new IpiSenderSpinFilter(new UpstreamSpinFilter()),
        new IpiSenderSpinFilter(new UpstreamSpinFilter(), anySender: true),
        new IcrIpiDelivery(pvSendIpi: false),
        new IcrIpiDelivery(pvSendIpi: true),
        new ExitlessIpiDelivery(),
        new EmulatedTimer(),
        new PassthroughTimer(),
    ];

    public static IReadOnlySet<string> Defaults { get; } = Every.Where(f => f.OnByDefault).Select(f => f.Id).ToHashSet(StringComparer.Ordinal);

    public static FeatureInfo? Find(string id) => Every.FirstOrDefault(f => f.Id == id);

    /// <summary>KVM's configuration and policies with <paramref name="enabled"/> on, each applied in registry order.</summary>
    /// <param name="haltPollMax">The module's halt_poll_ns (the VM's max_halt_poll_ns).</param>
    public static (KvmConfig Config, KvmPolicies Policies) Configure(IReadOnlySet<string> enabled, SimSpan haltPollMax)
    {
        ArgumentNullException.ThrowIfNull(enabled);
        var setup = new KvmSetup();
        foreach (FeatureInfo f in Every.Where(f => enabled.Contains(f.Id)))
        {
            f.Apply(setup);
        }

        return (setup.Config, setup.Policies(haltPollMax));
    }

    public static KvmConfig ConfigFor(IReadOnlySet<string> enabled) => Configure(enabled, SimSpan.Zero).Config;

    public static KvmPolicies PoliciesFor(IReadOnlySet<string> enabled, SimSpan haltPollMax) => Configure(enabled, haltPollMax).Policies;

    /// <summary>
    /// The first feature of <paramref name="enabled"/> (registry order) that this platform or this
    /// guest cannot have: its id and why; <c>Vendor</c> when the CPU vendor is the problem,
    /// <c>BlamesGuest</c> when the guest's APIC mode is.
    /// </summary>
    public static (string Feature, string Message, bool Vendor, bool BlamesGuest)? Problem(IReadOnlySet<string> enabled, CpuVendor vendor, bool guestX2Apic)
    {
        ArgumentNullException.ThrowIfNull(enabled);
        foreach (FeatureInfo f in Every.Where(f => enabled.Contains(f.Id)))
        {
            if (f.Needs is CpuVendor needs && needs != vendor)
            {
                return (f.Id, VendorText(needs), true, false);
            }
        }

        foreach (FeatureInfo f in Every.Where(f => enabled.Contains(f.Id)))
        {
            if (f.Conflict?.Invoke(new FeatureCheck(enabled, guestX2Apic)) is { } c)
            {
                return (f.Id, c.Message, false, c.BlamesGuest);
            }
        }

        return null;
    }

    /// <summary>What a feature that needs <paramref name="needs"/> needs, in words.</summary>
    public static string VendorText(CpuVendor needs) => needs switch
    {
        CpuVendor.Intel => "Intel VMX",
        CpuVendor.Amd => "an AMD host",
        CpuVendor.Pvm => "a PVM host",
        _ => throw new ArgumentOutOfRangeException(nameof(needs), needs, null),
    };

    /// <summary>A host of <paramref name="vendor"/>, in words (what the refusal says the profile is).</summary>
    public static string HostText(CpuVendor vendor) => vendor switch
    {
        CpuVendor.Intel => "Intel",
        CpuVendor.Amd => "an AMD host",
        CpuVendor.Pvm => "a PVM host (kvm_pvm: no VMX or SVM, so no APICv, AVIC, posted interrupts or preemption timer)",
        _ => throw new ArgumentOutOfRangeException(nameof(vendor), vendor, null),
    };

    private static IEnumerable<FeatureInfo> From(string source, IReadOnlyList<FeatureInfo> features) => features.Select(f => f with { Source = source });
}
