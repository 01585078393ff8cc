using KvmLab.Engine.Time;
using KvmLab.Model.Guest;
using KvmLab.Model.Kvm;

namespace KvmLab.Model.Workloads;

/// <summary>
/// kvm-unit-tests x86/vmexit.c (vmexit.flat): one test's loop body run in rounds. do_test starts
/// at 64 iterations and doubles them until one round takes at least GOAL = 2^30 TSC cycles, then
/// prints (t2 - t1) / iterations of that round as an integer: this workload's metric
/// <c>cycles</c>. Tests marked .parallel run on every CPU through on_cpu_async; here they run on
/// vCPU 0 (the per-CPU loops do not share any state the model has, so the other CPUs' copies
/// would not change vCPU 0's round). ple_round_robin passes its token around every vCPU.
/// Loop bodies follow vmexit.c at kvm-unit-tests 00bfecaa (and the tscdeadline tests Wanpeng Li
/// added in 2020, x86/vmexit.c "tscdeadline", "tscdeadline_immed").
/// </summary>
public sealed class VmexitWorkload : IWorkload
{
    /// <summary>vmexit.c's IPI_TEST_VECTOR, the self-IPI tests' vector.</summary>
    public const byte SelfIpiVector = 0xB0;

    /// <summary>QEMU's PIIX4 PM timer port (pm_io_base 0xb000 + 8, FADT PM_TMR_BLK): served by QEMU (hw/acpi/core.c acpi_pm_tmr_read).</summary>
    public const uint PmTimerPort = 0xB008;

    /// <summary>The port inl_from_qemu reads: no device, QEMU's unassigned I/O answers.</summary>
    public const uint NoDevicePort = 0x1234;

    /// <summary>The i8259 ELCR port inl_from_kernel / outl_to_kernel use (in-kernel irqchip).</summary>
    public const uint ElcrPort = 0x4D0;

    /// <summary>pci-testdev's test window, as the model places it (the BAR addresses are the guest's choice; only the bus matters).</summary>
    public const long PciMemAddress = 0xFEBF_1000;

    public const uint PciIoPort = 0xC000;

    private readonly List<GuestFlag> _ring = [];
    private GuestFlag? _timerFired;
    private long _lastIterations;
    private double _lastCycles = double.NaN;
    private long _roundIterations;
    private long _roundDone;
    private SimTime _roundStart;
    private bool _finished;
    private HostContext? _host;

    public VmexitTest Test { get; init; } = VmexitTest.Vmcall;

    /// <summary>pci-mem / pci-io: which pci-testdev test.</summary>
    public PciTestdevKind Device { get; init; } = PciTestdevKind.NoEventfd;

    /// <summary>VMX TPR shadow (CPU_BASED_TPR_SHADOW, which KVM uses whenever the CPU has it): CR8 accesses do not exit.</summary>
    public bool TprShadow { get; init; } = true;

    /// <summary>vmexit.c's GOAL in TSC cycles (2^30); smaller values end the doubling sooner.</summary>
    public long GoalCycles { get; init; } = 1L << 30;

    /// <summary>
    /// One pass of run_test's / do_test's for loop besides the body: the increment, compare,
    /// indirect call and return. ESTIMATE: ~10 cycles at 2.5 GHz.
    /// </summary>
    public SimSpan LoopOverhead { get; init; } = SimSpan.FromNanoseconds(4);

    /// <summary>An instruction that does not exit (MOV CR8 under the TPR shadow, a store). ESTIMATE: a few cycles.</summary>
    public SimSpan PlainInstruction { get; init; } = SimSpan.FromNanoseconds(2);

    /// <summary>The ISRs' bodies (self_ipi_isr, the timer ISR: x++ before eoi()). ESTIMATE: ~10 cycles.</summary>
    public SimSpan IsrBody { get; init; } = SimSpan.FromNanoseconds(4);

    /// <summary>on_cpu's sender side besides the IPI (spin_lock/unlock, the stores and atomic_inc in __on_cpu, mb() before the ICR write): the same ESTIMATE as <see cref="KutIpiWorkload.SenderLoopOverhead"/>.</summary>
    public SimSpan OnCpuOverhead { get; init; } = SimSpan.FromNanoseconds(60);

    /// <summary>on_cpu's handler body on the target (the nop call, atomic_dec, ipi_done): the same ESTIMATE as <see cref="KutIpiWorkload.HandlerBody"/>.</summary>
    public SimSpan OnCpuHandlerBody { get; init; } = SimSpan.FromNanoseconds(40);

    public string Id => "vmexit";

    public string PrimaryMetric => "cycles";

    public bool Finished => _finished;

    public void Install(HostContext host, Vm vm)
    {
        _host = host;
        if (VmexitTests.NeedsSmp(Test) && vm.Vcpus.Count < 2)
        {
            throw new InvalidOperationException($"vmexit {Test} needs a VM with at least 2 vCPUs.");
        }

        GuestKernel k = vm.Guest;
        InstallHandlers(k);
        if (Test is VmexitTest.PciMem or VmexitTest.PciIo && Device != PciTestdevKind.NoEventfd)
        {
            // pci-testdev registers its eventfd tests with memory_region_add_eventfd (QEMU hw/misc/pci-testdev.c),
            // which QEMU passes to KVM_IOEVENTFD; QEMU's handler only clears the eventfd.
            var fd = new HostOs.Eventfd("pci-testdev");
            fd.Watcher = () => fd.TestAndClear();
            if (Test == VmexitTest.PciMem)
            {
                vm.AssignIoeventfd(PciMemAddress, fd);
            }
            else
            {
                vm.AssignPioIoeventfd(PciIoPort, fd);
            }
        }

        if (Test == VmexitTest.PleRoundRobin)
        {
            // counters[0] = { -1, 0 }: CPU 0 holds the token first; every other CPU waits for it.
            for (int i = 0; i < vm.Vcpus.Count; i++)
            {
                var f = new GuestFlag();
                f.Arm(i == 0 ? 0 : 1);
                _ring.Add(f);
            }

            for (int i = 1; i < vm.Vcpus.Count; i++)
            {
                k.AddTask(new GuestTask($"vmexit/ple/{i}", i, RingMember(i)));
            }
        }

        k.AddTask(new GuestTask($"vmexit/{Test}", 0, Program(k)));
    }

    private void InstallHandlers(GuestKernel k)
    {
        switch (Test)
        {
            case VmexitTest.Ipi:
            case VmexitTest.IpiHalt:
                // on_cpu's IPI handler on the target: nop, ipi_done, EOI (lib/x86/smp.c).
                k.SetVectorHandler(Vectors.KutIpi, (cpu, iret) => cpu.Compute(OnCpuHandlerBody, () =>
                {
                    k.TakeKutDoneFlag(cpu.Id)?.Signal();
                    k.Eoi(cpu, iret);
                }));
                break;
            case VmexitTest.SelfIpiStiNop:
            case VmexitTest.SelfIpiStiHlt:
                k.SetVectorHandler(SelfIpiVector, (cpu, iret) => cpu.Compute(IsrBody, () => k.Eoi(cpu, iret)));
                break;
            case VmexitTest.Tscdeadline:
            case VmexitTest.TscdeadlineImmed:
                // handle_irq(TSC_DEADLINE_TIMER_VECTOR): x++; eoi().
                k.SetVectorHandler(Vectors.LocalTimer, (cpu, iret) => cpu.Compute(IsrBody, () =>
                {
                    if (_timerFired is { IsSet: false } f)
                    {
                        f.Signal();
                    }

                    k.Eoi(cpu, iret);
                }));
                break;
            default:
                break;
        }
    }

    /// <summary>do_test: rounds of 64, 128, ... iterations until one takes GOAL cycles.</summary>
    private IEnumerable<GuestOp> Program(GuestKernel k)
    {
        double ghz = _host!.Costs.TscGhz;
        long iterations = 32;
        while (true)
        {
            iterations *= 2;
            _roundIterations = iterations;
            _roundDone = 0;
            _roundStart = k.Now;
            for (long i = 0; i < iterations; i++)
            {
                yield return GuestOp.Compute(LoopOverhead);
                if (Test is VmexitTest.Ipi or VmexitTest.IpiHalt)
                {
                    yield return GuestOp.Compute(OnCpuOverhead);
                }

                yield return Body(k);
                if (Test == VmexitTest.IpiHalt)
                {
                    // t = rdtsc() + 2000; while (rdtsc() < t);
                    yield return GuestOp.Compute(SimSpan.FromNanoseconds(2000 / ghz));
                }

                _roundDone++;
            }

            double cycles = (k.Now - _roundStart).Ns * ghz;
            _lastIterations = iterations;
            _lastCycles = Math.Floor(cycles / iterations); // printf("%s %d\n", name, (int)((t2 - t1) / iterations))
            if (cycles >= GoalCycles)
            {
                _finished = true;
                yield break;
            }
        }
    }

    /// <summary>One call of the test's function.</summary>
    private GuestOp Body(GuestKernel k) => Test switch
    {
        VmexitTest.Cpuid => Exiting(ExitReason.Cpuid),
        VmexitTest.Vmcall => Exiting(ExitReason.Hypercall), // a = 0: no such hypercall, -KVM_ENOSYS
        VmexitTest.MovFromCr8 => TprShadow ? GuestOp.Compute(PlainInstruction) : Exiting(ExitReason.CrAccess, data: 0),
        VmexitTest.MovToCr8 => TprShadow ? GuestOp.Compute(PlainInstruction) : Exiting(ExitReason.CrAccess, data: 1),
        VmexitTest.InlFromPmtimer => Exiting(ExitReason.IoInstruction, PmTimerPort, 0),
        VmexitTest.InlFromQemu => Exiting(ExitReason.IoInstruction, NoDevicePort, 0),
        VmexitTest.InlFromKernel => Exiting(ExitReason.IoInstruction, ElcrPort, 0),
        VmexitTest.OutlToKernel => Exiting(ExitReason.IoInstruction, ElcrPort, 1),
        VmexitTest.Rdmsr => Exiting(ExitReason.MsrRead, MsrIndex.TscAdjust),
        VmexitTest.Wrmsr => Exiting(ExitReason.MsrWrite, MsrIndex.TscAdjust),
        VmexitTest.X2apicWrite => Exiting(ExitReason.MsrWrite, MsrIndex.X2ApicLvt0),
        VmexitTest.Ipi or VmexitTest.IpiHalt => GuestOp.KutOnCpu(1),
        VmexitTest.SelfIpiStiNop => SelfIpi(k, hlt: false),
        VmexitTest.SelfIpiStiHlt => SelfIpi(k, hlt: true),
        VmexitTest.Tscdeadline => TscDeadline(k, immediate: false),
        VmexitTest.TscdeadlineImmed => TscDeadline(k, immediate: true),
        VmexitTest.PleRoundRobin => GuestOp.Run((cpu, then) => PassToken(cpu, 0, then)),
        VmexitTest.PciMem => Exiting(ExitReason.EptMisconfig, data: PciMemAddress),
        VmexitTest.PciIo => Exiting(ExitReason.IoInstruction, PciIoPort, 1),
        _ => throw new InvalidOperationException($"No loop body for {Test}."),
    };

    private static GuestOp Exiting(ExitReason reason, uint msr = 0, long data = 0) =>
        GuestOp.Run((cpu, then) => cpu.ExitingInstruction(reason, msr, default, then, data));

    /// <summary>x = 0; cli; apic_self_ipi(IPI_TEST_VECTOR); sti; nop (or hlt); the ISR has run by then.</summary>
    private static GuestOp SelfIpi(GuestKernel k, bool hlt) => GuestOp.Run((cpu, then) =>
    {
        cpu.Cli();
        k.SendIpi(cpu, SelfIpiVector, cpu.Id, () =>
        {
            if (hlt)
            {
                cpu.StiHlt(then);
            }
            else
            {
                cpu.StiNop(then);
            }
        });
    });

    /// <summary>
    /// x = 0; wrmsr(MSR_IA32_TSCDEADLINE, rdtsc() [+ 3000]); then wait for the timer ISR's x++
    /// (tscdeadline spins on x; for tscdeadline_immed the interrupt is taken as the WRMSR retires).
    /// </summary>
    private GuestOp TscDeadline(GuestKernel k, bool immediate) => GuestOp.Run((cpu, then) =>
    {
        var fired = new GuestFlag();
        fired.Arm(1);
        _timerFired = fired;
        long deadline = k.Now.Ns + (immediate ? 0 : (long)(3000 / _host!.Costs.TscGhz));
        cpu.ExitingInstruction(ExitReason.MsrWrite, MsrIndex.TscDeadline, default, () =>
        {
            if (fired.IsSet)
            {
                then();
            }
            else
            {
                cpu.SpinUntil(fired, then);
            }
        }, deadline);
    });

    /// <summary>ple_round_robin on one CPU: wait (PAUSE loop) for the token, then pass it to the next CPU.</summary>
    private void PassToken(GuestCpu cpu, int me, Action then)
    {
        GuestFlag mine = _ring[me];
        void Pass()
        {
            mine.Arm(1);
            cpu.Compute(PlainInstruction, () =>
            {
                _ring[(me + 1) % _ring.Count].Signal();
                then();
            });
        }

        if (mine.IsSet)
        {
            Pass();
        }
        else
        {
            cpu.SpinUntil(mine, Pass);
        }
    }

    /// <summary>Another CPU's copy of run_test for ple_round_robin (it loops as long as vCPU 0 does).</summary>
    private IEnumerable<GuestOp> RingMember(int me)
    {
        while (!_finished)
        {
            yield return GuestOp.Compute(LoopOverhead);
            yield return GuestOp.Run((cpu, then) => PassToken(cpu, me, then));
        }
    }

    public IReadOnlyList<WorkloadMetric> Report(HostContext host)
    {
        double cycles = _lastCycles;
        long iterations = _lastIterations;
        if (double.IsNaN(cycles) && _roundDone > 0)
        {
            // The run ended inside the first round: the mean so far.
            cycles = Math.Floor((host.Sim.Now - _roundStart).Ns * host.Costs.TscGhz / _roundDone);
            iterations = _roundDone;
        }

        return
        [
            new("cycles", double.IsNaN(cycles) ? 0 : cycles, "cycles"),
            new("iterations", iterations, "count"),
            new("goal_reached", _finished ? 1 : 0, "bool"),
        ];
    }
}
