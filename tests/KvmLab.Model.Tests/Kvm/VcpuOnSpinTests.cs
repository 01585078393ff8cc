using KvmLab.Model.Kvm;

namespace KvmLab.Model.Tests.Kvm;

/// <summary>kvm_vcpu_on_spin's loop (virt/kvm/kvm_main.c v5.6): the candidate order and the PLE window; the candidate filters are tested by source in KvmLab.Policies.Tests.</summary>
public class VcpuOnSpinTests
{
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
