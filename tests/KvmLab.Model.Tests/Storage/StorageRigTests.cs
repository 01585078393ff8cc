using KvmLab.Engine.Time;
using KvmLab.Model.Hardware;
using KvmLab.Model.Invariants;
using KvmLab.Model.Kvm;
using KvmLab.Model.Storage;
using KvmLab.Model.Workloads;

namespace KvmLab.Model.Tests.Storage;

/// <summary>
/// The storage path on the shared machine, end to end: fio in the guest or on the host, the
/// vCPU's exit path for the kick, QEMU's thread on the host scheduler, the drive, the interrupt
/// and the wake-up — each run with every invariant audited (GuestHarness runs at Full checks).
/// </summary>
public class StorageRigTests
{
    private static readonly CostProfile C = Profiles.SkylakeSp2020();

    internal static GuestHarness Run(StorageConfig cfg, FioJob? job = null, ulong seed = 3, string device = NvmeDevices.OptaneP4800X,
        double ms = 10, int vcpus = 1, SimSpan? haltPollMax = null)
    {
        var fio = new FioWorkload { Config = cfg, Job = job ?? new FioJob(), Device = device };
        return new GuestHarness(fio, vcpus: vcpus, seed: seed, haltPollMax: haltPollMax).Run(SimSpan.FromMilliseconds(ms), SimSpan.FromMilliseconds(1));
    }

    private static StorageRig Rig(GuestHarness h) => ((FioWorkload)h.Workload).Rig;

    private static double Phase(GuestHarness h, IoPhase p) => Rig(h).Stats.PhaseMeanNs[(int)p];

    private static readonly StorageConfig IoThread = new() { Path = StoragePath.VirtioBlk, IoThread = true };

    public static TheoryData<string> Configs => ["bare", "bare-poll", "main", "iothread", "io_uring", "nvme", "nvme-poll", "polled", "fast", "vfio", "vfio-poll", "no-haltpoll", "numa", "irq-other"];

    private static StorageConfig Named(string n) => n switch
    {
        "bare" => new() { Path = StoragePath.BareMetal },
        "bare-poll" => new() { Path = StoragePath.BareMetal, IoPoll = true },
        "main" => new() { Path = StoragePath.VirtioBlk },
        "iothread" => IoThread,
        "io_uring" => IoThread with { Backend = QemuBackend.IoUring },
        "nvme" => IoThread with { Backend = QemuBackend.UserspaceNvme },
        "nvme-poll" => IoThread with { Backend = QemuBackend.UserspaceNvme, IoPoll = true },
        "polled" => IoThread with { Backend = QemuBackend.UserspaceNvme, IoPoll = true, PolledQueues = true },
        "fast" => IoThread with { Backend = QemuBackend.UserspaceNvme, IoPoll = true, PolledQueues = true, AioFastpath = true },
        "vfio" => new() { Path = StoragePath.VfioPassthrough },
        "vfio-poll" => new() { Path = StoragePath.VfioPassthrough, IoPoll = true },
        "no-haltpoll" => IoThread with { GuestHaltPoll = false },
        "numa" => IoThread with { IoThreadNode = 1, MemoryNode = 1 },
        "irq-other" => IoThread with { IrqOnOtherCpu = true },
        _ => throw new ArgumentOutOfRangeException(nameof(n)),
    };

    [Theory]
    [MemberData(nameof(Configs))]
    public void Breakdown_SumsToMeanLatency(string config)
    {
        StorageRig r = Rig(Run(Named(config)));
        Assert.True(r.Stats.Completed > 100);
        Assert.Equal(r.Stats.Latency.MeanNs, r.Stats.PhaseMeanNs.Sum(), precision: 3);
        Assert.All(r.Stats.PhaseMeanNs, p => Assert.True(p >= 0));
    }

    [Fact]
    public void SameSeed_SameNumbers_DifferentSeed_DifferentNumbers()
    {
        GuestHarness a = Run(IoThread, seed: 9);
        GuestHarness b = Run(IoThread, seed: 9);
        GuestHarness c = Run(IoThread, seed: 10);
        Assert.Equal(a.Sim.EventsProcessed, b.Sim.EventsProcessed);
        Assert.Equal(a.Workload.Report(a.Host), b.Workload.Report(b.Host));
        Assert.NotEqual(Rig(a).Stats.Latency.MeanNs, Rig(c).Stats.Latency.MeanNs);
    }

    [Fact]
    public void Placement_QemuAndTheIrqCpu_TakeTheFreePcpusInOrder()
    {
        // The vCPU is pinned to pCPU 0; QEMU's thread gets pCPU 1, the other IRQ CPU pCPU 2.
        StorageRig r = Rig(Run(IoThread with { IrqOnOtherCpu = true }));
        Assert.Equal(1, r.Qemu!.PinnedCpu);
        Assert.Equal(2, r.IrqCpu!.Id);
    }

    [Fact]
    public void MainLoop_KicksEveryRequest_AsAnExitThroughTheVcpu_IoThreadPolling_SuppressesThem()
    {
        // The main loop never polls, so every submission is an EPT_MISCONFIG exit to the ioeventfd; an
        // IOThread polling its virtqueue has notifications off, so the guest skips the kick.
        GuestHarness main = Run(new StorageConfig { Path = StoragePath.VirtioBlk });
        GuestHarness io = Run(IoThread);
        FioStats m = Rig(main).Stats;
        Assert.Equal(m.Completed, m.Kicks, tolerance: 1);
        Assert.Equal(0, m.SuppressedKicks);
        Assert.True(main.Exits(ExitReason.EptMisconfig) >= m.Kicks);
        FioStats i = Rig(io).Stats;
        Assert.True(i.SuppressedKicks > 0.95 * i.Completed);
        Assert.True(io.Exits(ExitReason.EptMisconfig) < 0.05 * i.Completed);
        Assert.True(i.Latency.MeanNs < m.Latency.MeanNs);
        Assert.True(Rig(io).Qemu!.PollNs > 0);
    }

    [Fact]
    public void TheKick_IsTheFullExitPath_ThenAWakeUpOfTheSleepingIoThread()
    {
        // An IOThread that never polls (poll-max-ns 0) sleeps; each request's notify phase is the
        // vCPU's exit up to ioeventfd_write's eventfd_signal, the remote wake-up of QEMU's thread,
        // and its fd dispatch.
        GuestHarness h = Run(IoThread with { PollMaxNs = 0 });
        SimSpan exit = C.VmExit + C.ExitHostIrqEnable + C.ExitHandlerDispatch + C.Storage.IoeventfdMmioHandler + C.Storage.EventfdSignal;
        SimSpan wake = C.PhysicalIpiLatency + C.IdleExitLatency + C.ThreadWakeup + C.Storage.QemuFdDispatch;
        Assert.Equal((exit + wake).Ns, Phase(h, IoPhase.Notify), tolerance: 20);
    }

    [Fact]
    public void SingleQueue_TwoJobs_TheCompletionIpi_IsAnIcrFastpathExit()
    {
        // One virtqueue: its interrupt goes to vCPU 0, whose handler wakes job 1 on the halted vCPU 1
        // with a reschedule IPI — an x2APIC ICR write taking the exit fastpath, which charges the IRQ
        // enable after the fastpath and the IPI's delivery and posting like every other fastpath exit.
        // (With guest haltpoll a polling vCPU 1 would need no IPI: set_nr_if_polling.)
        GuestHarness h = Run(IoThread with { MultiQueue = false, GuestHaltPoll = false }, new FioJob { NumJobs = 2 }, vcpus: 2);
        Assert.True(h.Vcpu(0).Stats.FastpathExits > 0.5 * Rig(h).Stats.Completed / 2, $"{h.Vcpu(0).Stats.FastpathExits} fastpath exits for {Rig(h).Stats.Completed} I/Os");
        Assert.True(h.Vm.Guest.ReschedIpis > 0);
        Assert.Equal(0, h.Vcpu(1).Stats.ExitCount(ExitReason.MsrWrite));
    }

    [Fact]
    public void PollingTradesCpuForLatency()
    {
        GuestHarness bare = Run(new StorageConfig { Path = StoragePath.BareMetal });
        GuestHarness poll = Run(new StorageConfig { Path = StoragePath.BareMetal, IoPoll = true });
        Assert.True(Rig(poll).Stats.Latency.MeanNs < Rig(bare).Stats.Latency.MeanNs);
        Assert.True(poll.Metric("cpu_vcpu") > 1.5 * bare.Metric("cpu_vcpu"));
        Assert.True(poll.Metric("cpu_spin") > 0.5);
        Assert.Equal(0, bare.Metric("cpu_spin"));
    }

    [Fact]
    public void GuestIoPoll_NeedsNoIrqfd()
    {
        GuestHarness irq = Run(IoThread with { Backend = QemuBackend.UserspaceNvme });
        GuestHarness poll = Run(IoThread with { Backend = QemuBackend.UserspaceNvme, IoPoll = true });
        Assert.True(irq.Metric("irqfd_per_io") > 0.95);
        Assert.Equal(0, poll.Metric("irqfd_per_io"));
        Assert.Equal(0, Phase(poll, IoPhase.Injection));
    }

    [Fact]
    public void WithoutGuestHaltPoll_TheVcpuHalts_AndKvmHaltPollsIt()
    {
        GuestHarness h = Run(IoThread with { GuestHaltPoll = false });
        Assert.True(h.Metric("vcpu_halts_per_io") > 0.95);
        Assert.True(h.Vcpu(0).Stats.HaltPollSuccesses > 0.9 * h.Vcpu(0).Stats.HaltPollAttempts);
        Assert.True(h.Vcpu(0).HostHaltPollAllowed);
    }

    [Fact]
    public void WithGuestHaltPoll_TheGuestPolls_AndHostPollingIsOff()
    {
        GuestHarness h = Run(IoThread);
        Assert.True(h.Metric("guest_haltpoll_hits_per_io") > 0.9);
        Assert.False(h.Vcpu(0).HostHaltPollAllowed);
        Assert.Equal(0, h.Vcpu(0).Stats.HaltPollAttempts);
    }

    [Fact]
    public void SlowerDrive_OnlyTheDevicePhaseGrows()
    {
        GuestHarness fast = Run(IoThread);
        GuestHarness slow = Run(IoThread, device: NvmeDevices.Samsung970EvoPlusWrite);
        double dDevice = Phase(slow, IoPhase.Device) - Phase(fast, IoPhase.Device);
        Assert.InRange(dDevice, 8000, 8200); // 17 us - 8.9 us of drive time
        Assert.InRange(Rig(slow).Stats.Latency.MeanNs - Rig(fast).Stats.Latency.MeanNs, 7900, 8300);
    }

    [Fact]
    public void Depth8_RaisesThroughput_AndLatency()
    {
        GuestHarness qd1 = Run(IoThread);
        GuestHarness qd8 = Run(IoThread, new FioJob { IoDepth = 8 });
        Assert.True(Rig(qd8).Stats.Completed > 2 * Rig(qd1).Stats.Completed);
        Assert.True(Rig(qd8).Stats.Latency.MeanNs > Rig(qd1).Stats.Latency.MeanNs);
    }

    [Fact]
    public void IrqOnAnotherCpu_PaysThatCpusIdleExit_AndTheRemoteWakeUp()
    {
        // Bare metal: the vector's own CPU sleeps between completions, so the interrupt wakes it
        // (idle exit) there as it would on fio's CPU; the wake-up of fio then crosses CPUs: the
        // reschedule IPI and fio's CPU's own idle exit come on top.
        GuestHarness local = Run(new StorageConfig { Path = StoragePath.BareMetal });
        GuestHarness other = Run(new StorageConfig { Path = StoragePath.BareMetal, IrqOnOtherCpu = true });
        Assert.Null(Rig(local).IrqCpu);
        Hardware.Pcpu irq = Rig(other).IrqCpu!;
        Assert.True(irq.Ledger.TimeIn((int)PcpuTime.Interrupt, other.Sim.Now) > 0);
        double delta = Rig(other).Stats.Latency.MeanNs - Rig(local).Stats.Latency.MeanNs;
        Assert.Equal((C.PhysicalIpiLatency + C.IdleExitLatency).Ns, delta, tolerance: 50);
    }

    [Fact]
    public void Vfio_BlockedVcpu_IsWokenByTheWakeupVectorsHostHandler()
    {
        // No guest haltpoll and no host halt polling: the vCPU blocks, and the drive's MSI, posted
        // by the IOMMU, arrives on the wake-up vector: pi_wakeup_handler runs on the vCPU's pCPU.
        GuestHarness h = Run(new StorageConfig { Path = StoragePath.VfioPassthrough, GuestHaltPoll = false }, haltPollMax: SimSpan.Zero);
        long completed = Rig(h).Stats.Completed;
        Assert.True(h.Metric("vcpu_halts_per_io") > 0.95);
        Assert.True(h.Host.Scheduler.DeviceInterrupts > 0.95 * completed);
        SimSpan atLeast = C.PhysicalIpiLatency + C.IdleExitLatency + C.Storage.PiWakeupHandler + C.ThreadWakeup + C.HaltBlockExit + C.VmEntry;
        Assert.True(Phase(h, IoPhase.Injection) > atLeast.Ns, $"injection {Phase(h, IoPhase.Injection)} ns");
    }

    [Fact]
    public void FioJobs_NeedAVcpuEach_AndALinuxGuest()
    {
        var fio = new FioWorkload { Config = IoThread with { Vcpus = 2 }, Job = new FioJob { NumJobs = 2 } };
        Assert.Throws<InvalidOperationException>(() => new GuestHarness(fio, vcpus: 1));
        var kut = new FioWorkload { Config = IoThread, Job = new FioJob() };
        Assert.Throws<InvalidOperationException>(() => new GuestHarness(kut, vcpus: 1, guest: new Model.Guest.GuestConfig { Kind = Model.Guest.GuestKernelKind.KvmUnitTests }));
    }
}
