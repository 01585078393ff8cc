using KvmLab.Engine.Time;

namespace KvmLab.Model.Hardware;

/// <summary>
/// AMD EPYC 7002 (Rome, Zen 2) host with SVM and AVIC, as in Wanpeng Li's 2020 AVIC
/// measurement ("AMD Rome server, 2 sockets, 96 cores, 192 threads"). Sources beside each
/// value and in docs/MODEL.md.
/// </summary>
public static class AmdRome
{
    public static CostProfile Epyc7002()
    {
        // 2.3 GHz: EPYC 7642 (48 cores, base 2.3 GHz per AMD), the 48-core part that gives
        // "2 sockets 96 cores"; the talk does not name the SKU (ASSUMPTION).
        const double ghz = 2.3;
        SimSpan C(double cycles) => SimSpan.FromNanoseconds(cycles / ghz);

        // No SVM counterpart of the SKX vmcall anchor was found for Zen 2; the exit and entry
        // are taken equal in cycles to the SKX split (ESTIMATE) and every software path
        // (same C code in arch/x86/kvm/x86.c) keeps its SKX cycle count.
        var skx = IntelSkylakeFamily.SkylakeSp2020();
        SimSpan Same(SimSpan skxValue) => C(skxValue.Ns * skx.TscGhz);

        return skx with
        {
            Id = "amd-rome-2020",
            Vendor = CpuVendor.Amd,
            Summary = "AMD EPYC 7002 (Rome) 2.3 GHz, 2 sockets, Linux 5.x KVM (SVM), AVIC available, xAPIC guests with AVIC",
            Citation = "clock: EPYC 7642 base 2.3 GHz (assumed SKU); AVIC paths: arch/x86/kvm/svm/avic.c (v5.10); "
                + "exit/entry and software paths carried over from skylake-sp-2020 in cycles (estimates, see docs/MODEL.md)",
            TscGhz = ghz,
            VmExit = Same(skx.VmExit),
            VmEntry = Same(skx.VmEntry),
            ExitHostIrqEnable = Same(skx.ExitHostIrqEnable),
            ExitHandlerDispatch = Same(skx.ExitHandlerDispatch),
            EnterGuestLoop = Same(skx.EnterGuestLoop),
            WrmsrEmulation = Same(skx.WrmsrEmulation),
            IcrFastpathHandler = Same(skx.IcrFastpathHandler),
            IpiDeliveryPerTarget = Same(skx.IpiDeliveryPerTarget),
            PostedInterruptPost = Same(skx.PostedInterruptPost),
            XapicMmioEmulation = Same(skx.XapicMmioEmulation),
            HltHandler = Same(skx.HltHandler),
            HypercallHandler = Same(skx.HypercallHandler),
            CpuidEmulation = Same(skx.CpuidEmulation),
            RdmsrEmulation = Same(skx.RdmsrEmulation),
            PioEmulation = Same(skx.PioEmulation),
            CrAccessHandler = Same(skx.CrAccessHandler),
            InterruptWindowHandler = Same(skx.InterruptWindowHandler),
            MmioInstructionEmulation = Same(skx.MmioInstructionEmulation),
            UserspaceExitRoundtrip = Same(skx.UserspaceExitRoundtrip),
            PauseInstruction = Same(skx.PauseInstruction), // ESTIMATE: Zen 2's PAUSE latency not found; SKX's carried over
            PauseExitHandler = Same(skx.PauseExitHandler),
            SpinCandidateCheck = Same(skx.SpinCandidateCheck),
            YieldTo = Same(skx.YieldTo),
            TimerFastpathHandler = Same(skx.TimerFastpathHandler),
            HvTimerProgram = Same(skx.HvTimerProgram),
            HostHrtimerStart = Same(skx.HostHrtimerStart),
            TimerExpiredInject = Same(skx.TimerExpiredInject),
            PreemptionTimerHandler = Same(skx.PreemptionTimerHandler),
            HostTimerInterrupt = Same(skx.HostTimerInterrupt),
            BareTscDeadlineWrite = Same(skx.BareTscDeadlineWrite),
            BareIcrWrite = Same(skx.BareIcrWrite),
            PassthroughTimerSwitch = Same(skx.PassthroughTimerSwitch),
            AvicIcrWrite = C(300),            // ESTIMATE: ICR write trapped into the AVIC unit, physical-ID table lookup, doorbell
            AvicIncompleteIpiHandler = C(200), // ESTIMATE: decode exit_info, read ICR, the switch in avic_incomplete_ipi_interception
            AvicScanPerVcpu = C(40),          // ESTIMATE: one kvm_for_each_vcpu step + kvm_apic_match_dest (physical: an id compare)
            HaltPollIteration = Same(skx.HaltPollIteration),
            HaltBlockExit = Same(skx.HaltBlockExit),
            GuestInterruptEntryExit = Same(skx.GuestInterruptEntryExit),
            GuestCsdQueue = Same(skx.GuestCsdQueue),
            GuestCsdFlush = Same(skx.GuestCsdFlush),
            GuestHrtimerStart = Same(skx.GuestHrtimerStart),
            GuestTimerInterrupt = Same(skx.GuestTimerInterrupt),
            GuestTickWork = Same(skx.GuestTickWork),
            GuestWakeup = Same(skx.GuestWakeup),
            GuestContextSwitch = Same(skx.GuestContextSwitch),
            // ESTIMATE: the storage paths are the same kernel, QEMU and guest code; no Rome figures were
            // found, so the nanoseconds are carried over as they are (as the storage profile always did).
            Storage = skx.Storage,
            Mm = skx.Mm,
            Network = skx.Network,
            Sources = new Dictionary<string, FieldSource>(), // every Rome field is an estimate (carried over from SKX in cycles, or AVIC's own)
        };
    }
}
