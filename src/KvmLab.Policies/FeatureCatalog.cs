using KvmLab.Engine.Time;
using KvmLab.Model.Kvm;
using KvmLab.Policies.LiWanpeng2020;
using KvmLab.Policies.Upstream;

namespace KvmLab.Policies;

/// <summary>
/// Every feature a scenario may enable, with its source, and how a set of enabled features
/// becomes KVM's configuration and policies. Defaults are Linux 5.10 on a host with APICv.
/// </summary>
public static class FeatureCatalog
{
    public const string IpiFastpath = "ipi-fastpath";
    public const string ApicV = "apicv";
    public const string HaltPolling = "halt-polling";
    public const string HltExits = "hlt-exits";

    public static IReadOnlyList<FeatureInfo> All { get; } =
    [
        new(IpiFastpath, "Single-target x2APIC ICR writes sent from the early exit fastpath (IRQs off)",
            "Li 2020; commits 1e9e2622a149, a9ab13ff6e84 (Linux 5.6-5.7)", true),
        new(ApicV, "Posted interrupts and virtual-interrupt delivery: no exit to receive an IPI, EOI virtualized",
            "Intel SDM vol. 3 ch. 29; arch/x86/kvm/vmx/vmx.c vmx_deliver_posted_interrupt", true),
        new(HaltPolling, "Host halt polling before a halted vCPU's thread sleeps (adaptive, up to halt_poll_ns)",
            "virt/kvm/kvm_main.c kvm_vcpu_block (v5.10); commit aca6ff29c406", true),
        new(HltExits, "HLT exits to the host (off = KVM_X86_DISABLE_EXITS_HLT, QEMU -overcommit cpu-pm=on)",
            "arch/x86/kvm/x86.c KVM_CAP_X86_DISABLE_EXITS", true),
    ];

    public static IReadOnlyList<IPolicyInfo> Policies { get; } =
    [
        new NoIcrFastpath(),
        new IcrWriteFastpath(),
        new AdaptiveHaltPoll(SimSpan.FromMicroseconds(200)),
    ];

    public static IReadOnlySet<string> Defaults { get; } = All.Where(f => f.OnByDefault).Select(f => f.Id).ToHashSet(StringComparer.Ordinal);

    public static FeatureInfo? Find(string id) => All.FirstOrDefault(f => f.Id == id);

    public static KvmConfig ConfigFor(IReadOnlySet<string> enabled) => new()
    {
        ApicV = enabled.Contains(ApicV),
        HltExits = enabled.Contains(HltExits),
    };

    /// <param name="haltPollMax">The module's halt_poll_ns (the VM's max_halt_poll_ns).</param>
    public static KvmPolicies PoliciesFor(IReadOnlySet<string> enabled, SimSpan haltPollMax) => new(
        enabled.Contains(IpiFastpath) ? new IcrWriteFastpath() : new NoIcrFastpath(),
        new AdaptiveHaltPoll(enabled.Contains(HaltPolling) ? haltPollMax : SimSpan.Zero));
}
