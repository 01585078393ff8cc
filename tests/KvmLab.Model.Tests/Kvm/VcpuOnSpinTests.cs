using KvmLab.Model.Kvm;

namespace KvmLab.Model.Tests.Kvm;

/// <summary>
/// kvm_vcpu_on_spin's candidate rules (virt/kvm/kvm_main.c v5.6; 5.13 commit 52acd22faa1a;
/// Ishiguro RFC patch 2, Message-Id 20210421150831.60133-3-kentaishiguro@sslab.ics.keio.ac.jp),
/// fed synthetic candidate states.
/// </summary>
public class VcpuOnSpinTests
{
    private const int Me = 0;
    private static readonly DirectedYieldOptions Upstream = new();

    // A preempted kernel-mode vCPU: the lock holder PLE is meant to find.
    private static readonly SpinCandidate Holder = new(3, Ready: true, Blocked: false, DyRunnable: false, Preempted: true,
        InKernel: true, PendingInterrupt: false, InSpinLoop: false, DyEligible: false, IpiFromSpinner: false);

    [Fact]
    public void PreemptedInKernel_IsYieldedTo()
    {
        Assert.Null(VcpuOnSpin.Filter(Holder, Me, true, Upstream).Skip);
    }

    [Fact]
    public void NotReady_IsSkippedFirst()
    {
        Assert.Equal(SpinSkip.NotReady, VcpuOnSpin.Filter(Holder with { Ready = false }, Me, true, Upstream).Skip);
    }

    [Fact]
    public void Self_IsSkipped()
    {
        Assert.Equal(SpinSkip.Self, VcpuOnSpin.Filter(Holder with { Index = Me }, Me, true, Upstream).Skip);
    }

    [Fact]
    public void AsleepWithNothingPending_IsSkipped_ButNotWithAPendingInterruptOrPvUnhalt()
    {
        var halted = Holder with { Preempted = false, Blocked = true };
        Assert.Equal(SpinSkip.BlockedNothingPending, VcpuOnSpin.Filter(halted, Me, true, Upstream).Skip);
        Assert.Null(VcpuOnSpin.Filter(halted with { DyRunnable = true }, Me, true, Upstream).Skip);
    }

    [Fact]
    public void PreemptedInUserMode_IsSkipped_OnlyWhenYieldingToKernelMode()
    {
        var user = Holder with { InKernel = false };
        Assert.Equal(SpinSkip.PreemptedInUserMode, VcpuOnSpin.Filter(user, Me, true, Upstream).Skip);
        Assert.Null(VcpuOnSpin.Filter(user, Me, false, Upstream).Skip); // SVM at CPL > 0 passes false
    }

    [Fact]
    public void Linux513_UserModeWithPendingInterrupt_StaysACandidate()
    {
        var user = Holder with { InKernel = false, PendingInterrupt = true };
        Assert.Equal(SpinSkip.PreemptedInUserMode, VcpuOnSpin.Filter(user, Me, true, Upstream).Skip);
        Assert.Null(VcpuOnSpin.Filter(user, Me, true, new DirectedYieldOptions { UserModePendingInterrupt = true }).Skip);
    }

    [Fact]
    public void SpinningCandidate_EligibilityToggles()
    {
        var spinner = Holder with { InSpinLoop = true, DyEligible = false };
        var (skip, toggle, _) = VcpuOnSpin.Filter(spinner, Me, true, Upstream);
        Assert.Equal(SpinSkip.NotEligible, skip);
        Assert.True(toggle);

        (skip, toggle, _) = VcpuOnSpin.Filter(spinner with { DyEligible = true }, Me, true, Upstream);
        Assert.Null(skip);
        Assert.True(toggle);
    }

    [Fact]
    public void Ishiguro_Overboost_AHaltedCandidateNeedsTheSpinnersIpi_AndTheSpinnerMarksItself()
    {
        var opts = new DirectedYieldOptions { IpiSenderAware = true };
        var woken = Holder with { Preempted = false, Blocked = true, DyRunnable = true };
        var (skip, _, mark) = VcpuOnSpin.Filter(woken, Me, true, opts);
        Assert.Equal(SpinSkip.NotAnIpiSender, skip);
        Assert.True(mark);
        Assert.Null(VcpuOnSpin.Filter(woken with { IpiFromSpinner = true }, Me, true, opts).Skip);
    }

    [Fact]
    public void Ishiguro_LostOpportunity_AUserModeCandidateTheSpinnerSentAnIpi_IsYieldedTo()
    {
        var opts = new DirectedYieldOptions { IpiSenderAware = true };
        var user = Holder with { InKernel = false };
        var (skip, _, mark) = VcpuOnSpin.Filter(user, Me, true, opts);
        Assert.Equal(SpinSkip.PreemptedInUserMode, skip);
        Assert.True(mark);
        Assert.Null(VcpuOnSpin.Filter(user with { IpiFromSpinner = true }, Me, true, opts).Skip);
    }

    [Fact]
    public void CandidateOrder_RoundRobinFromTheLastBoosted_TwoPasses()
    {
        Assert.Equal([3, 4, 0, 1, 2], VcpuOnSpin.CandidateOrder(5, 2));
        Assert.Equal([0, 1, 2, 3], VcpuOnSpin.CandidateOrder(4, -1));
        Assert.Equal([0, 1, 2, 3], VcpuOnSpin.CandidateOrder(4, 3));
    }

    [Fact]
    public void PleWindow_GrowsByTwoAndResetsOnSchedIn()
    {
        PleSettings vmx = PleSettings.Vmx;
        Assert.Equal(8192u, vmx.Grown(4096));
        Assert.Equal(uint.MaxValue, vmx.Grown(uint.MaxValue));
        Assert.Equal(4096u, vmx.Shrunk(1 << 20));
        Assert.Equal(ushort.MaxValue, PleSettings.Svm.Grown(60000));
    }
}
