using KvmLab.Model.Kvm;
using KvmLab.Policies.Ishiguro2021;
using KvmLab.Policies.LiWanpeng2020;
using KvmLab.Policies.Upstream;

namespace KvmLab.Policies.Tests;

/// <summary>
/// kvm_vcpu_on_spin's candidate rules by source (virt/kvm/kvm_main.c v5.6: Upstream; 5.13 commit
/// 52acd22faa1a: LiWanpeng2020; Ishiguro RFC patch 2, Message-Id
/// 20210421150831.60133-3-kentaishiguro@sslab.ics.keio.ac.jp: Ishiguro2021), fed synthetic candidate states.
/// </summary>
public class SpinCandidateFilterTests
{
    private const int Me = 0;
    private static readonly ISpinCandidateFilter Upstream = new UpstreamSpinFilter();
    private static readonly ISpinCandidateFilter Linux513 = new PendingIrqSpinFilter();
    private static readonly ISpinCandidateFilter Ishiguro = new IpiSenderSpinFilter(Upstream);
    private static readonly ISpinCandidateFilter IshiguroOn513 = new IpiSenderSpinFilter(Linux513);
    private static readonly ISpinCandidateFilter IshiguroBool = new IpiSenderSpinFilter(Upstream, anySender: true);

    // A preempted kernel-mode vCPU: the lock holder PLE is meant to find.
    private static readonly SpinCandidate Holder = new(3, Ready: true, Blocked: false, DyRunnable: false, Preempted: true,
        InKernel: true, PendingInterrupt: false, InSpinLoop: false, DyEligible: false, IpiFromSpinner: false);

    [Fact]
    public void PreemptedInKernel_IsYieldedTo()
    {
        Assert.Null(Upstream.Filter(Holder, Me, true).Skip);
    }

    [Fact]
    public void NotReady_IsSkippedFirst()
    {
        Assert.Equal(SpinSkip.NotReady, Upstream.Filter(Holder with { Ready = false }, Me, true).Skip);
    }

    [Fact]
    public void Self_IsSkipped()
    {
        Assert.Equal(SpinSkip.Self, Upstream.Filter(Holder with { Index = Me }, Me, true).Skip);
    }

    [Fact]
    public void AsleepWithNothingPending_IsSkipped_ButNotWithAPendingInterruptOrPvUnhalt()
    {
        var halted = Holder with { Preempted = false, Blocked = true };
        Assert.Equal(SpinSkip.BlockedNothingPending, Upstream.Filter(halted, Me, true).Skip);
        Assert.Null(Upstream.Filter(halted with { DyRunnable = true }, Me, true).Skip);
    }

    [Fact]
    public void PreemptedInUserMode_IsSkipped_OnlyWhenYieldingToKernelMode()
    {
        var user = Holder with { InKernel = false };
        Assert.Equal(SpinSkip.PreemptedInUserMode, Upstream.Filter(user, Me, true).Skip);
        Assert.Null(Upstream.Filter(user, Me, false).Skip); // SVM at CPL > 0 passes false
    }

    [Fact]
    public void Linux513_UserModeWithPendingInterrupt_StaysACandidate()
    {
        var user = Holder with { InKernel = false, PendingInterrupt = true };
        Assert.Equal(SpinSkip.PreemptedInUserMode, Upstream.Filter(user, Me, true).Skip);
        Assert.Null(Linux513.Filter(user, Me, true).Skip);
    }

    [Fact]
    public void SpinningCandidate_EligibilityToggles()
    {
        var spinner = Holder with { InSpinLoop = true, DyEligible = false };
        var (skip, toggle, _) = Upstream.Filter(spinner, Me, true);
        Assert.Equal(SpinSkip.NotEligible, skip);
        Assert.True(toggle);

        (skip, toggle, _) = Upstream.Filter(spinner with { DyEligible = true }, Me, true);
        Assert.Null(skip);
        Assert.True(toggle);
    }

    [Fact]
    public void Ishiguro_Overboost_AHaltedCandidateNeedsTheSpinnersIpi_AndTheSpinnerMarksItself()
    {
        var woken = Holder with { Preempted = false, Blocked = true, DyRunnable = true };
        var (skip, _, mark) = Ishiguro.Filter(woken, Me, true);
        Assert.Equal(SpinSkip.NotAnIpiSender, skip);
        Assert.True(mark);
        Assert.Null(Ishiguro.Filter(woken with { IpiFromSpinner = true }, Me, true).Skip);
    }

    [Fact]
    public void Ishiguro_LostOpportunity_AUserModeCandidateTheSpinnerSentAnIpi_IsYieldedTo()
    {
        var user = Holder with { InKernel = false };
        var (skip, _, mark) = Ishiguro.Filter(user, Me, true);
        Assert.Equal(SpinSkip.PreemptedInUserMode, skip);
        Assert.True(mark);
        Assert.Null(Ishiguro.Filter(user with { IpiFromSpinner = true }, Me, true).Skip);
    }

    [Fact]
    public void Ishiguro_OnLinux513_KeepsTheUserModePendingInterruptRule()
    {
        var user = Holder with { InKernel = false, PendingInterrupt = true };
        Assert.Null(IshiguroOn513.Filter(user, Me, true).Skip);
        Assert.Equal(SpinSkip.PreemptedInUserMode, Ishiguro.Filter(user, Me, true).Skip);
    }

    [Fact]
    public void IpiReceivedBool_AnySendersIpiMakesAHaltedCandidateEligible_TheSpinnersOwnBitIsNotNeeded()
    {
        var woken = Holder with { Preempted = false, Blocked = true, DyRunnable = true };
        Assert.Equal(SpinSkip.NotAnIpiSender, IshiguroBool.Filter(woken, Me, true).Skip);
        Assert.Null(IshiguroBool.Filter(woken with { IpiReceived = true }, Me, true).Skip);

        // The bitmap variant still refuses: the IPI came from another vCPU than this spinner.
        Assert.Equal(SpinSkip.NotAnIpiSender, Ishiguro.Filter(woken with { IpiReceived = true }, Me, true).Skip);
    }

    [Fact]
    public void IpiReceivedBool_AUserModeCandidateThatReceivedAnyIpi_IsYieldedTo()
    {
        var user = Holder with { InKernel = false };
        var (skip, _, mark) = IshiguroBool.Filter(user, Me, true);
        Assert.Equal(SpinSkip.PreemptedInUserMode, skip);
        Assert.True(mark);
        Assert.Null(IshiguroBool.Filter(user with { IpiReceived = true }, Me, true).Skip);
        Assert.Equal(SpinSkip.PreemptedInUserMode, Ishiguro.Filter(user with { IpiReceived = true }, Me, true).Skip);
    }
}
