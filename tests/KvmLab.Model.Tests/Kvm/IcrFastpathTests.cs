using KvmLab.Model.Kvm;

namespace KvmLab.Model.Tests.Kvm;

/// <summary>
/// kvm-unit-tests x86/vmexit.c "ipi" end to end. vmx_vcpu_run (arch/x86/kvm/vmx/vmx.c, v5.10)
/// calls handle_fastpath_set_x2apic_icr_irqoff (arch/x86/kvm/x86.c) for EXIT_REASON_MSR_WRITE to
/// 0x830; an xAPIC guest writes the ICR through the APIC page (EXIT_REASON_APIC_WRITE), which the
/// fastpath never sees.
/// </summary>
public class IcrFastpathTests
{
    [Fact]
    public void X2Apic_WithFastpath_EveryIcrExitTakesIt()
    {
        var h = new KutIpiHarness(fastpath: true).Run();
        long icrExits = h.Sender.Stats.ExitCount(ExitReason.MsrWrite);

        Assert.True(icrExits >= KutIpiHarness.Iterations);
        Assert.Equal(icrExits, h.Sender.Stats.FastpathExits);
        Assert.Equal(0, h.Target.Stats.FastpathExits);
    }

    [Fact]
    public void X2Apic_WithoutFastpath_NoneTakesIt()
    {
        var h = new KutIpiHarness(fastpath: false).Run();

        Assert.True(h.Sender.Stats.ExitCount(ExitReason.MsrWrite) >= KutIpiHarness.Iterations);
        Assert.Equal(0, h.Sender.Stats.FastpathExits);
    }

    [Fact]
    public void Fastpath_ShortensTheRound()
    {
        double fast = new KutIpiHarness(fastpath: true).Run().Metric("cycles_per_ipi");
        double full = new KutIpiHarness(fastpath: false).Run().Metric("cycles_per_ipi");

        Assert.True(fast > 0);
        Assert.True(fast < full, $"fastpath {fast} cycles should be below full path {full} cycles");
    }

    [Fact]
    public void WithoutApicV_TheRunStillCompletes()
    {
        // Without APICv the target's EOI is an x2APIC MSR write exit (0x80B) and delivery kicks.
        var h = new KutIpiHarness(config: new KvmConfig { ApicV = false }).Run();

        Assert.Equal(KutIpiHarness.Iterations, h.Metric("iterations"));
        Assert.True(h.Target.Stats.ExitCount(ExitReason.MsrWrite) > 0);
        Assert.Equal(0, h.Target.Stats.FastpathExits);
    }
}
