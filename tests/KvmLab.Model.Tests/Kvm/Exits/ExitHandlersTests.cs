using KvmLab.Engine.Time;
using KvmLab.Model.Hardware;
using KvmLab.Model.Kvm;
using KvmLab.Model.Kvm.Exits;
using KvmLab.Model.Workloads;

namespace KvmLab.Model.Tests.Kvm.Exits;

/// <summary>
/// Each exit handler alone, fed a synthetic exit: its cost is the sum of the profile fields its
/// kernel function does, and its effect is the one that function has (vmx.c kvm_vmx_exit_handlers,
/// x86.c, lapic.c, svm/avic.c, v5.10).
/// </summary>
public class ExitHandlersTests
{
    private static readonly CostProfile C = Profiles.SkylakeSp2020();

    private static Vcpu NewVcpu(KvmConfig? config = null, int vcpus = 4) =>
        new GuestHarness(new StressCpuWorkload(), vcpus: vcpus, config: config).Vcpu(0);

    private static ExitInfo Exit(ExitReason r, uint msr = 0, long data = 0, int[]? targets = null, ExternalCause cause = ExternalCause.Kick, IcrWrite icr = default) =>
        new(r, msr, icr, data, targets, cause);

    [Fact]
    public void IcrWrite_EmulatesTheWrmsrAndSendsOneIpi_WithThePostingCostUnderApicv()
    {
        ExitHandling h = ExitHandlers.Handle(NewVcpu(), Exit(ExitReason.MsrWrite, MsrIndex.X2ApicIcr, icr: IcrWrite.FixedPhysical(0xfd, 1)));

        Assert.Equal(C.WrmsrEmulation + C.IpiDeliveryPerTarget + C.PostedInterruptPost, h.Cost);
        Assert.Equal(ExitEffect.SendIpi, h.Effect);
    }

    [Fact]
    public void IcrWrite_WithoutApicv_HasNoPostingCost()
    {
        ExitHandling h = ExitHandlers.Handle(NewVcpu(new KvmConfig { ApicV = false }), Exit(ExitReason.MsrWrite, MsrIndex.X2ApicIcr));

        Assert.Equal(C.WrmsrEmulation + C.IpiDeliveryPerTarget, h.Cost);
    }

    [Fact]
    public void OtherMsrWrite_IsTheEmulationAlone()
    {
        ExitHandling h = ExitHandlers.Handle(NewVcpu(), Exit(ExitReason.MsrWrite, 0x10));

        Assert.Equal(new ExitHandling(C.WrmsrEmulation, ExitEffect.None), h);
    }

    [Fact]
    public void XapicIcrWrite_IsTheMmioEmulationAndAnIpi()
    {
        ExitHandling h = ExitHandlers.Handle(NewVcpu(), Exit(ExitReason.ApicWrite, MsrIndex.XApicIcrOffset));

        Assert.Equal(C.XapicMmioEmulation + C.IpiDeliveryPerTarget + C.PostedInterruptPost, h.Cost);
        Assert.Equal(ExitEffect.SendIpi, h.Effect);
        Assert.Equal(ExitEffect.None, ExitHandlers.Handle(NewVcpu(), Exit(ExitReason.ApicWrite, 0x80)).Effect); // TPR: no IPI
    }

    [Fact]
    public void Hlt_Halts_AndPaysTheHrtimerStartOnlyWhenTheHvTimerIsArmed()
    {
        Vcpu v = NewVcpu();
        ExitHandling h = ExitHandlers.Hlt(v);

        Assert.Equal(ExitEffect.Halt, h.Effect);
        Assert.Equal(v.Timer.Mode is LapicTimerMode.HvTimer or LapicTimerMode.Physical ? C.HltHandler + C.HostHrtimerStart : C.HltHandler, h.Cost);
    }

    [Theory]
    [InlineData(ExternalCause.Kick)]
    [InlineData(ExternalCause.HostTimer)]
    [InlineData(ExternalCause.HostTick)]
    [InlineData(ExternalCause.PassthroughTimer)]
    public void ExternalInterrupt_CostsItsCausesHandler(ExternalCause cause)
    {
        ExitHandling h = ExitHandlers.Handle(NewVcpu(), Exit(ExitReason.ExternalInterrupt, cause: cause));

        SimSpan expected = cause switch
        {
            ExternalCause.HostTimer or ExternalCause.HostTick => C.HostTimerInterrupt,
            ExternalCause.PassthroughTimer => C.TimerExpiredInject,
            _ => SimSpan.Zero,
        };
        Assert.Equal(new ExitHandling(expected, ExitEffect.None), h);
    }

    [Fact]
    public void PreemptionTimer_ExpiresTheHvTimer()
    {
        ExitHandling h = ExitHandlers.Handle(NewVcpu(), Exit(ExitReason.PreemptionTimer));

        Assert.Equal(new ExitHandling(C.PreemptionTimerHandler + C.TimerExpiredInject, ExitEffect.ExpireHvTimer), h);
    }

    [Fact]
    public void PvSendIpi_PaysOneDeliveryPerTargetAndDeliversThem()
    {
        ExitHandling h = ExitHandlers.Handle(NewVcpu(), Exit(ExitReason.Hypercall, data: Hypercall.SendIpi, targets: [1, 2, 3]));

        Assert.Equal(C.HypercallHandler + ((C.IpiDeliveryPerTarget + C.PostedInterruptPost) * 3), h.Cost);
        Assert.Equal(ExitEffect.DeliverPvIpis, h.Effect);
    }

    [Fact]
    public void SchedYield_ToANotReadyTarget_CostsOnlyTheHypercallAndDoesNotYield()
    {
        Vcpu v = NewVcpu();
        ExitHandling h = ExitHandlers.Handle(v, Exit(ExitReason.Hypercall, data: Hypercall.SchedYield, targets: [2]));

        Assert.Equal(new ExitHandling(C.HypercallHandler, ExitEffect.None, Yield: false), h);
        Assert.Equal(1, v.Vm.YieldStats.SchedYieldCalls);
    }

    [Fact]
    public void AvicIncompleteIpi_ScansEveryVcpu()
    {
        CostProfile rome = AmdRome.Epyc7002();
        Vcpu v = new GuestHarness(new StressCpuWorkload(), vcpus: 8, config: new KvmConfig { ApicV = false, Avic = true }, profile: rome).Vcpu(0);

        ExitHandling h = ExitHandlers.Handle(v, Exit(ExitReason.AvicIncompleteIpi, icr: IcrWrite.FixedPhysical(0xfd, 1)));

        // Nothing has run: every vCPU is not running, so the one target is delivered to as well.
        Assert.Equal(rome.AvicIncompleteIpiHandler + (rome.AvicScanPerVcpu * 8) + rome.IpiDeliveryPerTarget, h.Cost);
        Assert.Equal(ExitEffect.WakeAvicTargets, h.Effect);
    }

    [Fact]
    public void EptMisconfig_OnAnIoeventfd_IsTheFastMmioLookupAndEventfdSignal_ThenSignalsIt()
    {
        // handle_ept_misconfig: KVM_FAST_MMIO_BUS, kvm_io_bus_write -> ioeventfd_write -> eventfd_signal, no decode.
        Vcpu v = NewVcpu();
        var fd = new KvmLab.Model.HostOs.Eventfd("vq0");
        v.Vm.AssignIoeventfd(0xfe003000, fd);

        ExitHandling h = ExitHandlers.Handle(v, Exit(ExitReason.EptMisconfig, data: 0xfe003000));

        Assert.Equal(new ExitHandling(C.Storage.IoeventfdMmioHandler + C.Storage.EventfdSignal, ExitEffect.SignalIoeventfd), h);
        Assert.Equal(0, fd.Count); // the signal is the effect, applied once the cost has been paid
    }

    [Fact]
    public void EptMisconfig_WithoutAnIoeventfd_IsEmulatedAndGoesToQemu()
    {
        // kvm_mmu_page_fault emulates the write and exits to userspace (KVM_EXIT_MMIO).
        ExitHandling h = ExitHandlers.Handle(NewVcpu(), Exit(ExitReason.EptMisconfig, data: 0x1234));
        Assert.Equal(new ExitHandling(C.MmioInstructionEmulation + C.UserspaceExitRoundtrip, ExitEffect.None), h);
    }

    [Fact]
    public void DeviceInterrupt_InGuestMode_RunsTheDevicesHostHandlerInTheExit()
    {
        ExitHandling h = ExitHandlers.Handle(NewVcpu(), Exit(ExitReason.ExternalInterrupt, data: C.Storage.HostNvmeIrq.Ns, cause: ExternalCause.DeviceInterrupt));

        Assert.Equal(new ExitHandling(C.Storage.HostNvmeIrq, ExitEffect.None), h);
    }
}
