using KvmLab.Model.Kvm;

namespace KvmLab.Policies.Upstream;

/// <summary>
/// kvm_vcpu_on_spin's candidate rules in Linux 5.6 (virt/kvm/kvm_main.c): skip a vCPU that is not
/// ready, the spinner itself, a vCPU asleep with nothing pending (vcpu_dy_runnable), and one
/// preempted in user mode when the PLE exit was at CPL0; then kvm_vcpu_eligible_for_directed_yield.
/// </summary>
public class UpstreamSpinFilter : ISpinCandidateFilter, IPolicyInfo
{
    public virtual string Id => "upstream/spin-filter-5.6";

    public virtual string Summary => "kvm_vcpu_on_spin candidates: ready, not self, not asleep with nothing pending, not preempted in user mode";

    public virtual string Citation => "virt/kvm/kvm_main.c kvm_vcpu_on_spin (v5.6)";

    public SpinVerdict Filter(in SpinCandidate c, int spinner, bool yieldToKernelMode)
    {
        if (!c.Ready)
        {
            return new(SpinSkip.NotReady, false, false);
        }

        if (c.Index == spinner)
        {
            return new(SpinSkip.Self, false, false);
        }

        if (c.Blocked && !c.DyRunnable)
        {
            return new(SpinSkip.BlockedNothingPending, false, false);
        }

        if (c.Preempted && yieldToKernelMode && !c.InKernel && !UserModeCandidate(c))
        {
            return new(SpinSkip.PreemptedInUserMode, false, false);
        }

        return SpinRules.Eligibility(c);
    }

    /// <summary>Whether a vCPU preempted in user mode stays a candidate (never, before 5.13).</summary>
    protected virtual bool UserModeCandidate(in SpinCandidate c) => false;
}
