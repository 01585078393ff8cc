namespace KvmLab.Policies.Ishiguro2021;

/// <summary>Ishiguro et al., VEE 2021 / RFC "KVM: Boost vCPUs that are delivering interrupts" (seed ple-mitigation-ishiguro-rfc.md).</summary>
public static class Ishiguro2021Features
{
    public static IReadOnlyList<FeatureInfo> All { get; } =
    [
        new(FeatureCatalog.DeboostYielder, "Ishiguro: raise the yielder's vruntime so CFS honours the next buddy on a shared run queue",
            "RFC patch 1, Message-Id <20210421150831.60133-2-kentaishiguro@sslab.ics.keio.ac.jp>", false, s => s.DirectedYield(d => d with { DeboostYielder = true })),
        new(FeatureCatalog.IpiSenderBoost, "Ishiguro: boost halted or user-mode candidates only for spinners that sent them an IPI (strict boost)",
            "RFC patch 2, Message-Id <20210421150831.60133-3-kentaishiguro@sslab.ics.keio.ac.jp>", false, s =>
            {
                // The ipi_received bitmap is kept while scheduled out, and the filter reads it.
                s.DirectedYield(d => d with { IpiSenderAware = true });
                s.SpinFilter = new IpiSenderSpinFilter(s.SpinFilter);
            })
        {
            Conflict = c => c.Enabled.Contains(FeatureCatalog.IpiReceivedBoost)
                ? new("ipi-sender-boost and ipi-received-boost are two variants of the same filter; enable one", false)
                : null,
        },
        new(FeatureCatalog.IpiReceivedBoost, "Ishiguro (RFC thread's simpler variant): boost halted or user-mode candidates that received any IPI while out (bool ipi_received)",
            "RFC thread \"[RFC PATCH 0/2] Mitigating Excessive Pause-Loop Exiting in VM-Agnostic KVM\", kvm@vger.kernel.org, April 2021", false, s =>
            {
                // Same bookkeeping as patch 2 (set on IPI delivery while out, cleared on entry); the filter reads only whether any bit is set.
                s.DirectedYield(d => d with { IpiSenderAware = true });
                s.SpinFilter = new IpiSenderSpinFilter(s.SpinFilter, anySender: true);
            }),
    ];
}
