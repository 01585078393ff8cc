using KvmLab.Model.Kvm;

namespace KvmLab.Policies.Ishiguro2021;

/// <summary>
/// Ishiguro 2021, RFC patch 2 (Message-Id 20210421150831.60133-3-kentaishiguro@sslab.ics.keio.ac.jp),
/// on top of the kernel's rules (<paramref name="inner"/>): a candidate that was not preempted
/// (halted, or woken to take an interrupt) is boosted only for a spinner that sent it an IPI, else
/// the spinner marks itself and moves on ("overboost"); a candidate preempted in user mode is
/// boosted when the spinner sent it an IPI ("lost opportunity").
/// </summary>
public sealed class IpiSenderSpinFilter(ISpinCandidateFilter inner) : ISpinCandidateFilter, IPolicyInfo
{
    public string Id => "ishiguro2021/ipi-sender-spin-filter";

    public string Summary => "boost halted or user-mode candidates only for spinners that sent them an IPI";

    public string Citation => "RFC patch 2, Message-Id <20210421150831.60133-3-kentaishiguro@sslab.ics.keio.ac.jp>";

    public SpinVerdict Filter(in SpinCandidate c, int spinner, bool yieldToKernelMode)
    {
        if (!c.Ready || c.Index == spinner)
        {
            return inner.Filter(c, spinner, yieldToKernelMode);
        }

        if (!c.Preempted && !c.IpiFromSpinner)
        {
            return new(SpinSkip.NotAnIpiSender, false, true);
        }

        SpinVerdict v = inner.Filter(c, spinner, yieldToKernelMode);
        if (v.Skip == SpinSkip.PreemptedInUserMode)
        {
            return c.IpiFromSpinner ? SpinRules.Eligibility(c) : new(SpinSkip.PreemptedInUserMode, false, true);
        }

        return v;
    }
}
