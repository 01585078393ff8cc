using KvmLab.Engine.Events;
using KvmLab.Engine.Random;
using KvmLab.Engine.Time;
using KvmLab.Engine.Tracing;
using KvmLab.Model.Hardware;
using KvmLab.Model.Storage;
using KvmLab.Policies.Upstream;

namespace KvmLab.Model.Tests.Storage;

public class StorageStackTests
{
    private static StorageStack Run(StorageConfig cfg, FioJob? job = null, ulong seed = 3, string device = NvmeDevices.OptaneP4800X, double ms = 10, double haltPollUs = 200)
    {
        var sim = new Simulator();
        CostProfile cpu = Profiles.SkylakeSp2020();
        var host = new HostContext(sim, cpu, new MachineSpec { Pcpus = 4 }, new RngStreams(seed), NullTraceSink.Instance)
        {
            MeasureFrom = SimTime.Zero + SimSpan.FromMilliseconds(1),
        };
        StorageCostProfile costs = StorageCostProfiles.For(cpu);
        var stack = new StorageStack(host, cfg, NvmeDevices.Find(device, costs, cpu)!, job ?? new FioJob(), costs,
            new AdaptiveHaltPoll(SimSpan.FromMicroseconds(haltPollUs)));
        stack.Start();
        sim.RunUntil(SimTime.Zero + SimSpan.FromMilliseconds(ms));
        return stack;
    }

    private static readonly StorageConfig IoThread = new() { Path = StoragePath.VirtioBlk, IoThread = true };

    public static TheoryData<string> Configs => ["bare", "bare-poll", "main", "iothread", "nvme", "nvme-poll", "polled", "fast", "vfio", "vfio-poll", "no-haltpoll", "numa"];

    private static StorageConfig Named(string n) => n switch
    {
        "bare" => new() { Path = StoragePath.BareMetal },
        "bare-poll" => new() { Path = StoragePath.BareMetal, IoPoll = true },
        "main" => new() { Path = StoragePath.VirtioBlk },
        "iothread" => IoThread,
        "nvme" => IoThread with { Backend = QemuBackend.UserspaceNvme },
        "nvme-poll" => IoThread with { Backend = QemuBackend.UserspaceNvme, IoPoll = true },
        "polled" => IoThread with { Backend = QemuBackend.UserspaceNvme, IoPoll = true, PolledQueues = true },
        "fast" => IoThread with { Backend = QemuBackend.UserspaceNvme, IoPoll = true, PolledQueues = true, AioFastpath = true },
        "vfio" => new() { Path = StoragePath.VfioPassthrough },
        "vfio-poll" => new() { Path = StoragePath.VfioPassthrough, IoPoll = true },
        "no-haltpoll" => IoThread with { GuestHaltPoll = false },
        "numa" => IoThread with { IoThreadNode = 1, MemoryNode = 1 },
        _ => throw new ArgumentOutOfRangeException(nameof(n)),
    };

    [Theory]
    [MemberData(nameof(Configs))]
    public void Breakdown_SumsToMeanLatency(string config)
    {
        StorageStack s = Run(Named(config));
        Assert.True(s.Completed > 100);
        Assert.Equal(s.Latency.MeanNs, s.PhaseMeanNs.Sum(), precision: 3);
        Assert.All(s.PhaseMeanNs, p => Assert.True(p >= 0));
    }

    [Fact]
    public void SameSeed_SameNumbers_DifferentSeed_DifferentNumbers()
    {
        StorageStack a = Run(IoThread, seed: 9);
        StorageStack b = Run(IoThread, seed: 9);
        StorageStack c = Run(IoThread, seed: 10);
        Assert.Equal(a.Completed, b.Completed);
        Assert.Equal(a.Latency.MeanNs, b.Latency.MeanNs);
        Assert.Equal(a.PhaseMeanNs, b.PhaseMeanNs);
        Assert.NotEqual(a.Latency.MeanNs, c.Latency.MeanNs);
    }

    [Fact]
    public void MainLoop_KicksEveryRequest_IoThreadPolling_SuppressesKicks()
    {
        // The main loop never polls, so every submission exits to ioeventfd; an IOThread polling its
        // virtqueue has notifications off, so the guest skips the kick (virtio_queue_set_notification).
        StorageStack main = Run(new StorageConfig { Path = StoragePath.VirtioBlk });
        StorageStack io = Run(IoThread);
        Assert.Equal(main.Completed, main.Kicks, tolerance: 1);
        Assert.Equal(0, main.SuppressedKicks);
        Assert.True(io.SuppressedKicks > 0.95 * io.Completed);
        Assert.True(io.Latency.MeanNs < main.Latency.MeanNs);
        Assert.True(io.Qemu!.PollNs > 0);
    }

    [Fact]
    public void PollingTradesCpuForLatency()
    {
        StorageStack bare = Run(new StorageConfig { Path = StoragePath.BareMetal });
        StorageStack poll = Run(new StorageConfig { Path = StoragePath.BareMetal, IoPoll = true });
        Assert.True(poll.Latency.MeanNs < bare.Latency.MeanNs);
        double Cpu(StorageStack s) => s.Vcpus.Sum(v => v.Cpu.BusyNs + v.Cpu.SpinNs);
        Assert.True(Cpu(poll) > 1.5 * Cpu(bare));
        Assert.True(poll.Vcpus[0].Cpu.SpinNs > 0);
        Assert.Equal(0, bare.Vcpus[0].Cpu.SpinNs);
    }

    [Fact]
    public void GuestIoPoll_NeedsNoIrqfd()
    {
        StorageStack irq = Run(IoThread with { Backend = QemuBackend.UserspaceNvme });
        StorageStack poll = Run(IoThread with { Backend = QemuBackend.UserspaceNvme, IoPoll = true });
        Assert.True(irq.Irqfds > 0.95 * irq.Completed);
        Assert.Equal(0, poll.Irqfds);
        Assert.Equal(0, poll.PhaseMeanNs[(int)IoPhase.Injection]);
    }

    [Fact]
    public void WithoutGuestHaltPoll_TheVcpuHalts_AndKvmHaltPollsIt()
    {
        StorageStack s = Run(IoThread with { GuestHaltPoll = false });
        StorageVcpu v = s.Vcpus[0];
        Assert.True(v.Halts > 0.95 * s.Completed);
        Assert.True(v.HostPollHits > 0.9 * v.Halts);
    }

    [Fact]
    public void SlowerDrive_OnlyTheDevicePhaseGrows()
    {
        StorageStack fast = Run(IoThread);
        StorageStack slow = Run(IoThread, device: NvmeDevices.Samsung970EvoPlusWrite);
        double dDevice = slow.PhaseMeanNs[(int)IoPhase.Device] - fast.PhaseMeanNs[(int)IoPhase.Device];
        Assert.InRange(dDevice, 8000, 8200); // 17 us - 8.9 us of drive time
        Assert.InRange(slow.Latency.MeanNs - fast.Latency.MeanNs, 7900, 8300);
    }

    [Fact]
    public void Depth8_RaisesThroughput_AndLatency()
    {
        StorageStack qd1 = Run(IoThread);
        StorageStack qd8 = Run(IoThread, new FioJob { IoDepth = 8 });
        Assert.True(qd8.Completed > 2 * qd1.Completed);
        Assert.True(qd8.Latency.MeanNs > qd1.Latency.MeanNs);
    }

    [Fact]
    public void IrqOnAnotherCpu_PaysThatCpusIdleExit()
    {
        // The vector's CPU sleeps between completions: the menu governor's state there (C1 for ~11 us
        // periods on bare metal) adds its exit latency to the completion.
        StorageStack local = Run(new StorageConfig { Path = StoragePath.BareMetal });
        StorageStack other = Run(new StorageConfig { Path = StoragePath.BareMetal, IrqOnOtherCpu = true });
        Assert.Null(local.IrqCpu);
        Assert.True(other.IrqCpu!.BusyNs > 0);
        double delta = other.PhaseMeanNs[(int)IoPhase.Completion] - local.PhaseMeanNs[(int)IoPhase.Completion];
        Assert.Equal(2000, delta, tolerance: 50);
    }

    [Fact]
    public void Vfio_BlockedVcpu_PaysTheWakeupVectorHandler()
    {
        // No guest haltpoll and no host halt polling: the vCPU blocks, the MSI-X arrives on the
        // posted-interrupt wake-up vector. Wake-up phase = C1 exit 2000 + pi_wakeup_handler 400 +
        // thread wake-up 1000 + re-entry (150 + 200 + 549 cycles = 360 ns) + guest IRQ 100 + 700
        // + guest wake-up of fio 1000 + syscall 150 + reap 250 = 5960 ns.
        StorageStack vfio = Run(new StorageConfig { Path = StoragePath.VfioPassthrough, GuestHaltPoll = false }, haltPollUs: 0);
        Assert.True(vfio.Vcpus[0].Halts > 0.95 * vfio.Completed);
        Assert.Equal(5960, vfio.PhaseMeanNs[(int)IoPhase.Wakeup], tolerance: 5);
    }
}
