namespace KvmLab.Model.Kvm;

/// <summary>A candidate's verdict: skip it (and why), whether its dy_eligible toggles, whether the spinner marks itself in its ipi_received.</summary>
public readonly record struct SpinVerdict(SpinSkip? Skip, bool ToggleEligible, bool MarkSender);

/// <summary>
/// Decision point of kvm_vcpu_on_spin: is this candidate worth a yield_to? Upstream (5.6), Li's
/// 5.13 rule and Ishiguro's sender-aware rules each answer it (Policies/Upstream, LiWanpeng2020,
/// Ishiguro2021). A policy sees only the candidate's view, never the simulator.
/// </summary>
public interface ISpinCandidateFilter
{
    /// <param name="spinner">The spinning vCPU's index.</param>
    /// <param name="yieldToKernelMode">The PLE exit happened at CPL0 (always true on VMX).</param>
    SpinVerdict Filter(in SpinCandidate c, int spinner, bool yieldToKernelMode);
}

/// <summary>The rules every filter ends with.</summary>
public static class SpinRules
{
    /// <summary>kvm_vcpu_eligible_for_directed_yield: eligible unless it spins and is not dy_eligible; a spinner's flag toggles.</summary>
    public static SpinVerdict Eligibility(in SpinCandidate c) =>
        new(!c.InSpinLoop || c.DyEligible ? null : SpinSkip.NotEligible, c.InSpinLoop, false);
}
