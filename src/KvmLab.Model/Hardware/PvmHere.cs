using KvmLab.Engine.Time;

namespace KvmLab.Model.Hardware;

/// <summary>
/// The PVM host KvmLab is developed on (docs/PVM.md): kvm_pvm on Linux 6.18.44-fc-v1098, nested in
/// an L0 KVM on an AMD EPYC family 25 model 17 (2 vCPUs), TSC 2.596 GHz, pvm_emul_batch=1024.
/// Every PVM cost comes from data/measurements/pvm-here/: the emulated instruction classes from the
/// microbenchmark (microbench-summary.json, medians over five sets: never a probe), the host timer
/// path from timerlat-*.jsonl, the module parameters from environment.txt; the costs only the
/// probes show are fitted to the probe medians (probe-medians.json: fit A of fit-free.json, or the
/// calibrate mapping of docs/PVM.md 4.4) and `kvmlab validate` refits them with leave-one-out.
/// The VMX and SVM paths (exit split, fastpaths, posted interrupts, AVIC, preemption timer) do not
/// exist here: their fields are zero, and the features that need them are refused.
/// </summary>
public static class PvmHere
{
    public const string Id = "pvm-here";

    public static CostProfile Profile()
    {
        static SimSpan Ns(double ns) => SimSpan.FromNanoseconds(ns);
        var zero = SimSpan.Zero;
        const string micro = "data/measurements/pvm-here/microbench-summary.json";
        const string fitA = "data/measurements/pvm-here/fit-free.json (fit A over the 29 probe medians of probe-medians.json)";
        const string map = "data/measurements/pvm-here/probe-medians.json by the calibrate mapping (docs/PVM.md 4.4)";

        return IntelSkylakeFamily.SkylakeSp2020() with
        {
            Id = Id,
            Vendor = CpuVendor.Pvm,
            Summary = "This development host: kvm_pvm (no VMX/SVM; guest ring 0 emulated, batch 1024) nested in an L0 KVM, AMD EPYC 2 vCPUs, Linux 6.18",
            Citation = "docs/PVM.md; data/measurements/pvm-here (probes, microbenchmark, timerlat, environment.txt); PVM RFC Message-Id <20240226143630.33643-1-jiangshanlai@gmail.com>",
            TscGhz = 2.59614, // KVM_GET_TSC_KHZ 2596140 (probe-2026-12-02T1437Z.json environment.tsc_khz)

            // VMX/SVM-only paths: a PVM host has none (pvm.c: no VMCS, enable_apicv = 0, no preemption timer).
            VmExit = zero,
            VmEntry = zero,
            ExitHostIrqEnable = zero,
            ExitHandlerDispatch = zero,
            EnterGuestLoop = zero,
            WrmsrEmulation = zero,
            IcrFastpathHandler = zero,
            PostedInterruptPost = zero,
            XapicMmioEmulation = zero,
            TimerFastpathHandler = zero,
            HvTimerProgram = zero,
            PreemptionTimerHandler = zero,
            BareTscDeadlineWrite = zero,
            BareIcrWrite = zero,
            PassthroughTimerSwitch = zero,
            AvicIcrWrite = zero,
            AvicIncompleteIpiHandler = zero,
            AvicScanPerVcpu = zero,

            ThreadWakeup = Ns(25461),       // fitted (fit A W_wake): a vCPU blocked in kvm_vcpu_block woken from the other pCPU; a plain futex wake is 17.4 us
            HostTimerInterrupt = Ns(20235), // measured: timerlat-fifo-50us, mean of the two sets' medians (21406, 19063 ns)
            IdleExitLatency = Ns(6740),     // fitted: fit A's T_L0s (26975 ns) less HostTimerInterrupt
            Pvm = new PvmCosts
            {
                EmulatedAlu = Ns(700),      // measured: microbenchmark A (NOP, MOV r,r, PAUSE, STI, CLI, RDTSC, LFENCE; 579-735 over five sets)
                EmulatedLoad = Ns(1213),    // measured: microbenchmark L
                EmulatedStore = Ns(1241),   // measured: microbenchmark S
                EmulatedRmw = Ns(1651),     // measured: microbenchmark M
                EmulatedIret = Ns(2195),    // measured: microbenchmark I (1358-3318)
                NativeExit = Ns(3115),      // calibrate mapping: exits/mmio-ioeventfd-cpl3
                NativeExitReturn = Ns(1558), // ESTIMATE: half of NativeExit, the switch back taken as long as the switch in (both a trampoline pass and a ring change)
                UserExit = Ns(8938),        // calibrate mapping: exits/mmio-user-cpl0 - (EmulatedStore - EmulatedAlu)
                UserExitNativeReload = Ns(21086), // calibrate mapping: exits/mmio-user-cpl3 - NativeExit - UserExit
                InterruptInject = Ns(4937), // fitted (fit A D_inj); the self-IPI microbenchmark gives 3411
                NativeKick = Ns(14914),     // fitted (fit A K_nat)
                L0Exit = Ns(5037),          // calibrate mapping: exits/cpuid-cpl3 (CPUID intercepted by L0; KVM counts no exit)
                DeepIdleExit = Ns(22244),   // fitted: fit A's T_L0l - T_L0s
                IdleDeepAfter = SimSpan.FromMicroseconds(100), // ESTIMATE: between the 50 us and 200 us deadlines, the two sides of the step
                EmulationBatch = 1024,      // measured: /sys/module/kvm_pvm/parameters/pvm_emul_batch (environment.txt)
                EventCheckPerInstruction = false, // measured: an IPI to a vCPU spinning at CPL0 waits ~one batch (microbench ipi_cpl0spin_rt 0.84 ms)
            },
            Sources = new Dictionary<string, FieldSource>
            {
                ["HostTimerInterrupt"] = FieldSource.Measured("data/measurements/pvm-here/microbench/timerlat-*.jsonl: timerlat-fifo-50us medians 21406, 19063 ns"),
                ["ThreadWakeup"] = FieldSource.Fitted(fitA + ": W_wake"),
                ["IdleExitLatency"] = FieldSource.Fitted(fitA + ": T_L0s less HostTimerInterrupt"),
                ["Pvm.EmulatedAlu"] = FieldSource.Measured(micro + ": A"),
                ["Pvm.EmulatedLoad"] = FieldSource.Measured(micro + ": L"),
                ["Pvm.EmulatedStore"] = FieldSource.Measured(micro + ": S"),
                ["Pvm.EmulatedRmw"] = FieldSource.Measured(micro + ": M"),
                ["Pvm.EmulatedIret"] = FieldSource.Measured(micro + ": I"),
                ["Pvm.NativeExit"] = FieldSource.Fitted(map + ": exits/mmio-ioeventfd-cpl3"),
                ["Pvm.UserExit"] = FieldSource.Fitted(map + ": exits/mmio-user-cpl0"),
                ["Pvm.UserExitNativeReload"] = FieldSource.Fitted(map + ": exits/mmio-user-cpl3"),
                ["Pvm.InterruptInject"] = FieldSource.Fitted(fitA + ": D_inj"),
                ["Pvm.NativeKick"] = FieldSource.Fitted(fitA + ": K_nat"),
                ["Pvm.L0Exit"] = FieldSource.Fitted(map + ": exits/cpuid-cpl3"),
                ["Pvm.DeepIdleExit"] = FieldSource.Fitted(fitA + ": T_L0l - T_L0s"),
            },
        };
    }
}
