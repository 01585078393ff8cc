using KvmLab.Model.Kvm;
using KvmLab.Policies.LiWanpeng2020;
using KvmLab.Policies.Upstream;

namespace KvmLab.Policies.Tests.LiWanpeng2020;

/// <summary>
/// The conditions of handle_fastpath_set_x2apic_icr_irqoff (arch/x86/kvm/x86.c, v5.10):
///
///   if (lapic_in_kernel(vcpu) &amp;&amp; apic_x2apic_mode(vcpu-&gt;arch.apic) &amp;&amp;
///       ((data &amp; APIC_DEST_MASK) == APIC_DEST_PHYSICAL) &amp;&amp;
///       ((data &amp; APIC_MODE_MASK) == APIC_DM_FIXED) &amp;&amp;
///       ((u32)(data &gt;&gt; 32) != X2APIC_BROADCAST)) { ... kvm_apic_send_ipi ... }
///
/// plus APIC_SHORT_MASK == APIC_DEST_NOSHORT (commit e1be9ac8e601), and vmx_vcpu_run skips the
/// fastpath for nested guests (is_guest_mode). APIC_INT_LEVELTRIG / APIC_INT_ASSERT are not checked.
/// </summary>
public class IcrWriteFastpathTests
{
    private const uint ApicIntLevelTrig = 0x08000; // APIC_INT_LEVELTRIG, arch/x86/include/asm/apicdef.h
    private const uint ApicDmNmi = 0x00400;        // APIC_DM_NMI
    private const uint ApicDmInit = 0x00500;       // APIC_DM_INIT

    private static readonly IcrWrite Good = IcrWrite.FixedPhysical(0xFB, 1);

    private static IcrExitView View(IcrWrite icr, bool lapicInKernel = true, bool x2apic = true, bool nested = false) =>
        new(lapicInKernel, x2apic, nested, icr);

    private static bool Takes(in IcrExitView v) => new IcrWriteFastpath().TakesFastpath(v);

    [Fact]
    public void X2ApicSingleFixedPhysicalTarget_TakesFastpath()
    {
        Assert.True(Takes(View(Good)));
    }

    [Fact]
    public void XApicMode_DoesNotTakeFastpath()
    {
        // apic_x2apic_mode(vcpu->arch.apic) is false.
        Assert.False(Takes(View(Good, x2apic: false)));
    }

    [Fact]
    public void LapicNotInKernel_DoesNotTakeFastpath()
    {
        // lapic_in_kernel(vcpu) is false (userspace LAPIC).
        Assert.False(Takes(View(Good, lapicInKernel: false)));
    }

    [Fact]
    public void NestedGuest_DoesNotTakeFastpath()
    {
        // vmx_vcpu_run: is_guest_mode(vcpu) -> EXIT_FASTPATH_NONE.
        Assert.False(Takes(View(Good, nested: true)));
    }

    [Theory]
    [InlineData(IcrWrite.ApicDestSelf)]
    [InlineData(IcrWrite.ApicDestAllInc)]
    [InlineData(IcrWrite.ApicDestAllBut)]
    public void Shorthand_DoesNotTakeFastpath(uint shorthand)
    {
        // (data & APIC_SHORT_MASK) == APIC_DEST_NOSHORT is required (commit e1be9ac8e601).
        var icr = new IcrWrite(Good.Low | shorthand, Good.Destination);
        Assert.Equal(shorthand, icr.Shorthand);
        Assert.False(Takes(View(icr)));
    }

    [Fact]
    public void LogicalDestination_DoesNotTakeFastpath()
    {
        // (data & APIC_DEST_MASK) == APIC_DEST_PHYSICAL is required.
        var icr = new IcrWrite(Good.Low | IcrWrite.ApicDestLogical, Good.Destination);
        Assert.False(Takes(View(icr)));
    }

    [Theory]
    [InlineData(ApicDmNmi)]
    [InlineData(ApicDmInit)]
    public void NonFixedDeliveryMode_DoesNotTakeFastpath(uint deliveryMode)
    {
        // (data & APIC_MODE_MASK) == APIC_DM_FIXED is required.
        var icr = new IcrWrite(Good.Low | deliveryMode, Good.Destination);
        Assert.False(Takes(View(icr)));
    }

    [Fact]
    public void BroadcastDestination_DoesNotTakeFastpath()
    {
        // (u32)(data >> 32) != X2APIC_BROADCAST is required.
        var icr = IcrWrite.FixedPhysical(0xFB, IcrWrite.X2ApicBroadcast);
        Assert.False(Takes(View(icr)));
    }

    [Fact]
    public void TriggerAndLevelBits_AreNotChecked()
    {
        // The kernel's condition masks only DEST, MODE and SHORT bits: a level-triggered
        // write still takes the fastpath, with or without APIC_INT_ASSERT.
        var levelTriggered = new IcrWrite(Good.Low | ApicIntLevelTrig, Good.Destination);
        var deasserted = new IcrWrite(Good.Low & ~IcrWrite.ApicIntAssert, Good.Destination);
        Assert.True(Takes(View(levelTriggered)));
        Assert.True(Takes(View(deasserted)));
    }

    [Fact]
    public void NoIcrFastpath_NeverTakesIt()
    {
        // Before commit 1e9e2622a149 every ICR write went through vcpu_enter_guest's full path.
        var policy = new NoIcrFastpath();
        Assert.False(policy.TakesFastpath(View(Good)));
        Assert.False(policy.TakesFastpath(View(new IcrWrite(Good.Low | ApicIntLevelTrig, 0))));
    }
}
