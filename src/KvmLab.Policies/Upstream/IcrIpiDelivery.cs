using KvmLab.Model.Guest;

namespace KvmLab.Policies.Upstream;

/// <summary>
/// The upstream guest: IPIs are ICR writes, except that with KVM_FEATURE_PV_SEND_IPI exposed
/// (<paramref name="pvSendIpi"/>) kvm_setup_pv_ipi replaces send_IPI_mask with KVM_HC_SEND_IPI
/// hypercalls: a multicast from an x2APIC guest, every IPI from an xAPIC guest (flat and
/// physflat send single CPUs through send_IPI_mask too; Chao Gao, lore <20211116090604.GA12758@gao-cwp>).
/// </summary>
public sealed class IcrIpiDelivery(bool pvSendIpi) : IIpiDeliveryPolicy, IPolicyInfo
{
    public bool PvSendIpi => pvSendIpi;

    public string Id => pvSendIpi ? "upstream/pv-send-ipi" : "upstream/icr-ipi";

    public string Summary => pvSendIpi ? "IPIs by ICR writes; multicasts (and xAPIC unicasts) by KVM_HC_SEND_IPI" : "IPIs by ICR writes in the guest's APIC mode";

    public string Citation => "arch/x86/kernel/kvm.c kvm_setup_pv_ipi, __send_ipi_mask; commits 4180bf1b655a, aaffcfd1e82d";

    public IpiRoute Route(bool x2apic, int targets) =>
        pvSendIpi && (!x2apic || targets > 1) ? IpiRoute.PvHypercall : IpiRoute.IcrWrite;
}
