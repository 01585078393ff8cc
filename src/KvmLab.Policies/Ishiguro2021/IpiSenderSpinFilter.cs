using KvmLab.Model.Kvm;

namespace KvmLab.Policies.Ishiguro2021;

/// <summary>
/// Ishiguro 2021, RFC patch 2 (Message-Id 20210421150831.60133-3-kentaishiguro@sslab.ics.keio.ac.jp),
/// on top of the kernel's rules (<paramref name="inner"/>): a candidate that was not preempted
/// (halted, or woken to take an interrupt) is boosted only for a spinner that sent it an IPI, else
/// the spinner marks itself and moves on ("overboost"); a candidate preempted in user mode is
/// boosted when the spinner sent it an IPI ("lost opportunity").
/// With <paramref name="anySender"/> it is the simpler variant from the RFC's thread: the patch's
/// per-sender bitmap becomes one bool ipi_received per vCPU, so an IPI from any vCPU (not only
/// this spinner) makes the candidate eligible; the cover letter contrasts this receiver-only
/// information with the sender-aware bitmap.
/// </summary>
public sealed class IpiSenderSpinFilter(ISpinCandidateFilter inner, bool anySender = false) : ISpinCandidateFilter, IPolicyInfo
{
    public string Id => anySender ? "ishiguro2021/ipi-received-spin-filter" : "ishiguro2021/ipi-sender-spin-filter";

    public string Summary => anySender
        ? "boost halted or user-mode candidates that received any IPI while scheduled out (bool ipi_received)"
        : "boost halted or user-mode candidates only for spinners that sent them an IPI";

    public string Citation => anySender
        ? "RFC thread \"[RFC PATCH 0/2] Mitigating Excessive Pause-Loop Exiting in VM-Agnostic KVM\" (kvm@vger.kernel.org, April 2021): a bool instead of the sender bitmap"
        : "RFC patch 2, Message-Id <20210421150831.60133-3-kentaishiguro@sslab.ics.keio.ac.jp>";

    public SpinVerdict Filter(in SpinCandidate c, int spinner, bool yieldToKernelMode)
    {
        if (!c.Ready || c.Index == spinner)
        {
            return inner.Filter(c, spinner, yieldToKernelMode);
        }

        bool ipi = anySender ? c.IpiReceived : c.IpiFromSpinner;
        if (!c.Preempted && !ipi)
        {
            return new(SpinSkip.NotAnIpiSender, false, true);
        }

        SpinVerdict v = inner.Filter(c, spinner, yieldToKernelMode);
        if (v.Skip == SpinSkip.PreemptedInUserMode)
        {
            return ipi ? SpinRules.Eligibility(c) : new(SpinSkip.PreemptedInUserMode, false, true);
        }

        return v;
    }
}
