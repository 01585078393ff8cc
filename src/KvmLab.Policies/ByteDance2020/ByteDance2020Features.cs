using KvmLab.Model.Hardware;

namespace KvmLab.Policies.ByteDance2020;

/// <summary>ByteDance's exit-less designs (KVM Forum 2020, seed pv-ipi-passthrough-timer-bytedance.md); neither was merged.</summary>
public static class ByteDance2020Features
{
    public static IReadOnlyList<FeatureInfo> All { get; } =
    [
        new(FeatureCatalog.PassthroughTimer, "ByteDance passthrough timer: TSC_DEADLINE not intercepted, the host's timer moved to the preemption timer in guest mode",
            "Huaqiao/ByteDance KVM Forum 2020; RFC <20201228091559.25745-1-fengzhimin@bytedance.com> (not merged)", false, s => s.TimerDelivery = new PassthroughTimer())
        {
            RequiresTrustedGuest = true,
            Needs = CpuVendor.Intel,
        },
        new(FeatureCatalog.ExitlessPvIpi, "ByteDance exit-less PV IPI: the guest posts into the target's PI descriptor and writes the ICR unintercepted",
            "Huaqiao/ByteDance KVM Forum 2020; RFC <0C23CC2D-B770-43D0-8215-20CE591F2E8F@bytedance.com> (not merged)", false, s => s.IpiDelivery = new ExitlessIpiDelivery())
        {
            RequiresTrustedGuest = true,
            Needs = CpuVendor.Intel,
            Conflict = c => !c.Enabled.Contains(FeatureCatalog.ApicV)
                ? new("exit-less PV IPI posts into the target's posted-interrupt descriptor and needs apicv", false)
                : !c.GuestX2Apic
                    ? new("exit-less PV IPI writes the x2APIC ICR directly and needs an x2APIC guest", true)
                    : null,
        },
    ];
}
