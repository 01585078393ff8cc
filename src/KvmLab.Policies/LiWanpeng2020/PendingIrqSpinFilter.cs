using KvmLab.Model.Kvm;
using KvmLab.Policies.Upstream;

namespace KvmLab.Policies.LiWanpeng2020;

/// <summary>
/// Linux 5.13 (Wanpeng Li, commit 52acd22faa1a, "KVM: Boost vCPU candidate in user mode which is
/// delivering interrupt"): a candidate preempted in user mode stays one if it has a posted
/// interrupt pending (kvm_arch_dy_has_pending_interrupt).
/// </summary>
public sealed class PendingIrqSpinFilter : UpstreamSpinFilter
{
    public override string Id => "li2020/spin-filter-5.13";

    public override string Summary => "5.6's candidate rules, but a vCPU preempted in user mode with an interrupt pending stays a candidate";

    public override string Citation => "commit 52acd22faa1a (Linux 5.13)";

    protected override bool UserModeCandidate(in SpinCandidate c) => c.PendingInterrupt;
}
