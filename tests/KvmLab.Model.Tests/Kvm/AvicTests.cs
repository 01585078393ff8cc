using KvmLab.Engine.Time;
using KvmLab.Model.Guest;
using KvmLab.Model.Hardware;
using KvmLab.Model.Kvm;
using KvmLab.Model.Workloads;

namespace KvmLab.Model.Tests.Kvm;

/// <summary>
/// AMD AVIC against arch/x86/kvm/svm/avic.c (v5.8-5.10): the hardware delivers a fixed IPI to a
/// running target without an exit; when a target is not running (IsRunning cleared by
/// svm_vcpu_blocking, which 5.10's kvm_vcpu_block calls before polling) the sender exits with
/// AVIC_INCOMPLETE_IPI, and avic_incomplete_ipi_interception scans every vCPU
/// (kvm_for_each_vcpu + kvm_apic_match_dest) and wakes the matching ones that are not running.
/// </summary>
public class AvicTests
{
    private static readonly KvmConfig Avic = new() { ApicV = false, Avic = true };
    private static readonly GuestConfig XApic = new() { X2Apic = false };

    private static GuestHarness Send(int vcpus, SimSpan period) =>
        new GuestHarness(new IpiSendWorkload { Period = period }, vcpus: vcpus, config: Avic, guest: XApic,
            profile: AmdRome.Epyc7002()).Run(SimSpan.FromMilliseconds(5));

    [Fact]
    public void IpiToAHaltedTarget_ExitsAsIncompleteIpi_OncePerSend_AndWakesIt()
    {
        var h = Send(2, SimSpan.FromMicroseconds(50));
        long sends = (long)h.Metric("sends");

        // The first send can find the target still running its boot path (no exit).
        Assert.True(sends > 50);
        Assert.InRange(h.Vcpu(0).Stats.ExitCount(ExitReason.AvicIncompleteIpi), sends - 1, sends);
        Assert.Equal(0, h.Vcpu(0).Stats.ExitCount(ExitReason.ApicWrite));
        Assert.InRange(h.Vcpu(1).Stats.InterruptsDelivered, sends - 1, sends + 1);
    }

    [Fact]
    public void IpiToARunningTarget_IsDeliveredWithoutAnExit()
    {
        // Sends 1 us apart: the target is still in guest mode handling the previous one.
        var h = Send(2, SimSpan.FromMicroseconds(1));

        long incomplete = h.Vcpu(0).Stats.ExitCount(ExitReason.AvicIncompleteIpi);
        long sends = (long)h.Metric("sends");
        Assert.True(incomplete < sends / 2, $"{incomplete} of {sends} sends exited");
    }

    [Fact]
    public void IncompleteIpiHandler_ScansEveryVcpu()
    {
        double small = Send(2, SimSpan.FromMicroseconds(50)).Metric("send_cycles");
        double large = Send(64, SimSpan.FromMicroseconds(50)).Metric("send_cycles");
        CostProfile rome = AmdRome.Epyc7002();
        double scanCycles = 62 * rome.AvicScanPerVcpu.Ns * rome.TscGhz;

        Assert.InRange(large - small, scanCycles * 0.9, scanCycles * 1.1);
    }

    [Fact]
    public void Eoi_IsVirtualized_NoExitOnTheTarget()
    {
        var h = Send(2, SimSpan.FromMicroseconds(50));

        Assert.Equal(0, h.Vcpu(1).Stats.ExitCount(ExitReason.ApicWrite));
        Assert.Equal(0, h.Vcpu(1).Stats.ExitCount(ExitReason.MsrWrite));
    }
}
