using KvmLab.Model.Hardware;

namespace KvmLab.Policies.Tests;

/// <summary>
/// On a PVM host (kvm_pvm: no VMX or SVM; RFC patch 25 sets enable_apicv = 0, no preemption
/// timer, no AVIC) every feature that declares a vendor is refused through FeatureInfo.Needs; the
/// vendor-free mechanisms (halt polling, PV send-IPI...) are not.
/// </summary>
public class PvmFeatureTests
{
    [Theory]
    [InlineData(FeatureCatalog.ApicV)]
    [InlineData(FeatureCatalog.PreemptionTimer)]
    [InlineData(FeatureCatalog.Avic)]
    [InlineData(FeatureCatalog.PassthroughTimer)]
    public void HardwareVirtualizationFeature_IsRefusedOnPvm(string feature)
    {
        var p = FeatureCatalog.Problem(new HashSet<string> { feature }, CpuVendor.Pvm, guestX2Apic: false);
        Assert.NotNull(p);
        Assert.Equal(feature, p.Value.Feature);
        Assert.True(p.Value.Vendor);
    }

    [Fact]
    public void EveryFeatureWithAVendor_IsRefusedOnPvm() =>
        Assert.All(FeatureCatalog.Every.Where(f => f.Needs is not null), f =>
            Assert.NotNull(FeatureCatalog.Problem(new HashSet<string> { f.Id }, CpuVendor.Pvm, guestX2Apic: false)));

    [Fact]
    public void VendorFreeMechanisms_AreAllowedOnPvm() =>
        Assert.Null(FeatureCatalog.Problem(new HashSet<string> { FeatureCatalog.HaltPolling, FeatureCatalog.HltExits, FeatureCatalog.PvSendIpi }, CpuVendor.Pvm, guestX2Apic: true));

    [Fact]
    public void HostText_SaysWhatPvmLacks() =>
        Assert.Contains("no VMX or SVM", FeatureCatalog.HostText(CpuVendor.Pvm), StringComparison.Ordinal);
}
