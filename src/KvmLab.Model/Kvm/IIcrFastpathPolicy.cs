namespace KvmLab.Model.Kvm;

/// <summary>What KVM knows when an ICR write exits, for the fastpath decision.</summary>
public readonly record struct IcrExitView(bool LapicInKernel, bool X2ApicMode, bool GuestIsNested, IcrWrite Icr);

/// <summary>
/// Decision point: does this ICR write take the early exit fastpath (sent with IRQs still off,
/// EXIT_FASTPATH_EXIT_HANDLED) or the full vcpu_enter_guest path?
/// </summary>
public interface IIcrFastpathPolicy
{
    bool TakesFastpath(in IcrExitView exit);
}
