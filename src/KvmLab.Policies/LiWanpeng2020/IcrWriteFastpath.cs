using KvmLab.Model.Kvm;

namespace KvmLab.Policies.LiWanpeng2020;

/// <summary>
/// The single-target IPI fastpath: handle_fastpath_set_x2apic_icr_irqoff (arch/x86/kvm/x86.c,
/// v5.10) sends the IPI from vmx_vcpu_run with IRQs still off when the LAPIC is in the kernel,
/// the sender is in x2APIC mode, and the write has no shorthand, a physical destination, fixed
/// delivery, and a destination other than the x2APIC broadcast id. Trigger and level bits are
/// not checked. Commits 1e9e2622a149, e1be9ac8e601 (no shorthand), the broadcast filter
/// (Message-Id 1585290240-18643-1-git-send-email-wanpengli@tencent.com), a9ab13ff6e84
/// (called before IRQs are enabled). Nested guests never take it (vmx_vcpu_run returns
/// EXIT_FASTPATH_NONE when is_guest_mode).
/// </summary>
public sealed class IcrWriteFastpath : IIcrFastpathPolicy, IPolicyInfo
{
    public string Id => "li2020/icr-fastpath";

    public string Summary => "x2APIC ICR writes to one physical fixed target are sent in the early exit fastpath";

    public string Citation => "Li 2020 KVM Forum; commits 1e9e2622a149, e1be9ac8e601, a9ab13ff6e84 (arch/x86/kvm/x86.c handle_fastpath_set_x2apic_icr_irqoff)";

    public bool TakesFastpath(in IcrExitView exit)
    {
        if (exit.GuestIsNested || !exit.LapicInKernel || !exit.X2ApicMode)
        {
            return false;
        }

        IcrWrite icr = exit.Icr;
        return icr.Shorthand == IcrWrite.ApicDestNoShort
            && icr.IsPhysical
            && icr.IsFixed
            && icr.Destination != IcrWrite.X2ApicBroadcast;
    }
}
