using KvmLab.Model.Kvm;

namespace KvmLab.Model.Tests.Guest;

/// <summary>
/// How the guest writes the ICR: Linux/kvm-unit-tests in x2APIC mode use WRMSR 0x830
/// (native_x2apic_icr_write, one 64-bit write); in xAPIC mode the ICR2 then ICR MMIO writes, and
/// with APICv only the ICR low write traps (EXIT_REASON_APIC_WRITE, handle_apic_write in
/// arch/x86/kvm/vmx/vmx.c), which handle_fastpath_set_x2apic_icr_irqoff never sees.
/// </summary>
public class GuestKernelApicTests
{
    [Fact]
    public void X2Apic_IcrWritesAreMsrWriteExits()
    {
        var h = new KutIpiHarness(fastpath: false).Run();

        Assert.True(h.Sender.Stats.ExitCount(ExitReason.MsrWrite) >= KutIpiHarness.Iterations);
        Assert.Equal(0, h.Sender.Stats.ExitCount(ExitReason.ApicWrite));
    }

    [Fact]
    public void XApic_IcrWritesAreApicWriteExits_AndNeverFastpath()
    {
        var h = new KutIpiHarness(fastpath: true, x2apic: false).Run();

        Assert.True(h.Sender.Stats.ExitCount(ExitReason.ApicWrite) >= KutIpiHarness.Iterations);
        Assert.Equal(0, h.Sender.Stats.ExitCount(ExitReason.MsrWrite));
        Assert.Equal(0, h.Sender.Stats.FastpathExits);
    }

}
