using KvmLab.Model.Guest;
using KvmLab.Model.Hardware;
using KvmLab.Model.HostOs;
using KvmLab.Model.Kvm;
using KvmLab.Model.Qemu;

namespace KvmLab.Model.Storage;

/// <summary>
/// One storage configuration (a ladder bar) built on the shared machine (MECHANISMS.md section 7):
/// fio as guest tasks on the VM's vCPUs (or host threads on bare metal), the guest's block driver,
/// QEMU's event loop as a host thread with virtio-blk and its block backend, the host block layer's
/// or QEMU's NVMe queues, and the drive. Threads of the path are pinned to the pCPUs no vCPU is
/// pinned to, in order (QEMU's thread first, then the CPU that takes the drive's interrupts when
/// irq_other_cpu asks for another one); with none free they float under the scheduler. Every
/// exit goes through the vCPU's exit path, every interrupt through the host scheduler or the vCPU's
/// interrupt path, every cost comes from the platform profile.
/// </summary>
public sealed class StorageRig
{
    private readonly HostContext _host;
    private readonly Vm _vm;
    private readonly StorageConfig _cfg;
    private readonly Pcpu? _irqOther;
    private readonly List<HostFio> _hostJobs = [];
    private StorageSample _start;

    public StorageRig(HostContext host, Vm vm, StorageConfig cfg, FioJob fio, NvmeDeviceSpec spec)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(vm);
        ArgumentNullException.ThrowIfNull(cfg);
        ArgumentNullException.ThrowIfNull(fio);
        _host = host;
        _vm = vm;
        _cfg = cfg;
        bool virtualPath = cfg.Path != StoragePath.BareMetal;
        if (virtualPath && vm.Guest.Config.Kind != GuestKernelKind.Linux)
        {
            throw new InvalidOperationException("fio runs as a task of a Linux guest: the VM's guest kernel must be linux");
        }

        if (virtualPath && fio.NumJobs > vm.Vcpus.Count)
        {
            throw new InvalidOperationException($"fio numjobs {fio.NumJobs} runs one job per vCPU, but the VM has {vm.Vcpus.Count}");
        }

        Device = new NvmeDevice(spec, host.Rng.Get("storage/nvme0/service"), host.Trace, "nvme0");
        Stats = new FioStats(host);
        List<int> free = FreePcpus(host);
        int threads = cfg.Path switch
        {
            StoragePath.BareMetal => fio.NumJobs,
            StoragePath.VirtioBlk => 1,
            _ => 0,
        };
        if (cfg.IrqOnOtherCpu && cfg.Path != StoragePath.VfioPassthrough)
        {
            // Another, otherwise idle CPU; with none free, the next one after the first thread's.
            _irqOther = free.Count > threads ? host.Pcpus[free[threads]] : host.Pcpus[((free.Count > 0 ? free[0] : 0) + 1) % host.Pcpus.Count];
        }

        switch (cfg.Path)
        {
            case StoragePath.BareMetal:
                BuildBareMetal(fio, free);
                break;
            case StoragePath.VirtioBlk:
                BuildVirtioBlk(fio, free.Count > 0 ? free[0] : null);
                break;
            default:
                BuildVfio(fio);
                break;
        }

        FioVcpus = virtualPath ? [.. vm.Vcpus.Take(fio.NumJobs)] : [];
        host.Sim.Schedule(host.Sim.Now, () => host.Sim.Schedule(Engine.Time.SimTime.Max(host.Sim.Now, host.MeasureFrom), () => _start = Sample()));
    }

    public NvmeDevice Device { get; }

    public FioStats Stats { get; }

    /// <summary>QEMU's thread for virtio-blk (null on bare metal and with VFIO).</summary>
    public QemuEventLoop? Qemu { get; private set; }

    /// <summary>The vCPUs fio's jobs run on (none on bare metal).</summary>
    public IReadOnlyList<Vcpu> FioVcpus { get; }

    /// <summary>fio's host threads on bare metal (none otherwise).</summary>
    public IReadOnlyList<HostWorker> HostJobs => _hostJobs;

    /// <summary>The CPU the drive's interrupts land on when it is not the submitting one (<see cref="StorageConfig.IrqOnOtherCpu"/>).</summary>
    public Pcpu? IrqCpu => _irqOther;

    /// <summary>What the path has used since the measured window began (<see cref="StorageSample"/>).</summary>
    public StorageSample SinceMeasureStart => Sample() - _start;

    private Pcpu IrqCpuFor(int submitCpu) => _irqOther ?? _host.Pcpus[submitCpu];

    private static List<int> FreePcpus(HostContext host)
    {
        var pinned = host.Vms.SelectMany(v => v.Vcpus).Where(v => v.PinnedCpu is not null).Select(v => v.PinnedCpu!.Value).ToHashSet();
        return [.. Enumerable.Range(0, host.Pcpus.Count).Where(c => !pinned.Contains(c))];
    }

    private void BuildBareMetal(FioJob fio, List<int> free)
    {
        StorageCosts c = _host.Costs.Storage;
        for (int j = 0; j < fio.NumJobs; j++)
        {
            var job = new HostFio(_host, j < free.Count ? free[j] : null, fio, Stats, j, _cfg.IoPoll,
                _cfg.HostIoUring ? c.HostIoUringSubmit : c.HostAioSubmit, c.Hop(_cfg.VcpuNode, 0));
            job.Queue = new HostNvmeQueue(_host, Device, fio.BlockSize, IrqCpuFor, c.Hop(_cfg.MemoryNode, 0), c.Hop(_cfg.VcpuNode, 0),
                _cfg.IoPoll, c.HostNvmeIrq, _cfg.IoPoll ? job.CqeVisible : job.IrqCompleted, $"nvme0q{j}");
            _hostJobs.Add(job);
        }

        foreach (HostFio job in _hostJobs)
        {
            job.Start();
        }
    }

    private void BuildVirtioBlk(FioJob fio, int? qemuCpu)
    {
        var loop = new QemuEventLoop(_host, _cfg.IoThread ? "iothread0" : "main-loop", qemuCpu, _cfg.IoThread,
            new AioPollAdaptation(_cfg.PollMaxNs, _cfg.PollGrow, _cfg.PollShrink),
            pollForever: _cfg.Backend == QemuBackend.UserspaceNvme && _cfg.PolledQueues)
        {
            NotifyMeWhilePolling = _cfg.AioNotifyMePolling,
        };
        IBlockBackend backend = _cfg.Backend switch
        {
            QemuBackend.UserspaceNvme => new QemuNvmeBackend(_host, loop, Device, _cfg, fio.BlockSize, IrqCpuFor),
            QemuBackend.NullCo => new NullCoBackend(_host, loop, _cfg.NullLatencyNs),
            _ => new LinuxAioBackend(_host, loop, Device, _cfg, fio.BlockSize, IrqCpuFor),
        };
        GuestFio[] jobs = GuestJobs(fio);
        var device = new VirtioBlkDevice(_host, _vm, _cfg, loop, backend, Stats, _cfg.MultiQueue ? fio.NumJobs : 1,
            _cfg.IoPoll ? req => jobs[req.Job].Visible(req) : null);
        var driver = new VirtioBlkGuestDriver(_host, _vm, device, Stats, jobs);
        StartGuest(jobs, driver);
        Qemu = loop;
        loop.Start();
    }

    private void BuildVfio(FioJob fio)
    {
        GuestFio[] jobs = GuestJobs(fio);
        var driver = new GuestNvmeDriver(_host, _vm, Device, _cfg, fio.BlockSize, _cfg.MultiQueue ? fio.NumJobs : 1, jobs);
        StartGuest(jobs, driver);
    }

    private GuestFio[] GuestJobs(FioJob fio) =>
        [.. Enumerable.Range(0, fio.NumJobs).Select(j => new GuestFio(_host, fio, Stats, j, _cfg.MultiQueue ? j : 0, _cfg.IoPoll))];

    private void StartGuest(GuestFio[] jobs, IGuestBlockDriver driver)
    {
        if (_cfg.GuestHaltPoll)
        {
            _vm.Guest.EnableHaltPoll();
        }

        foreach (GuestFio job in jobs)
        {
            job.Driver = driver;
            _vm.Guest.AddTask(job.Task);
        }
    }

    private StorageSample Sample()
    {
        HostScheduler s = _host.Scheduler;
        long now = _host.Sim.Now.Ns;
        long fioCpu = FioVcpus.Sum(v => s.RuntimeSoFar(v).Ns) + _hostJobs.Sum(j => s.RuntimeSoFar(j).Ns);
        long qemuCpu = Qemu is { } q ? s.RuntimeSoFar(q).Ns : 0;
        long kernel = _host.Pcpus.Sum(p => p.Ledger.TimeIn((int)Invariants.PcpuTime.Interrupt, _host.Sim.Now) + p.Ledger.TimeIn((int)Invariants.PcpuTime.Switching, _host.Sim.Now));
        long spin = FioVcpus.Sum(v => v.Stats.PollTime.Ns + v.Guest.SpinGuestNs)
            + (Qemu?.PollTimeSoFar.Ns ?? 0) + _hostJobs.Sum(j => j.PollTimeSoFar.Ns);
        long halts = FioVcpus.Sum(v => v.Stats.ExitCount(ExitReason.Hlt));
        long hits = FioVcpus.Sum(v => v.Guest.HaltPoll?.PollHits ?? 0);
        return new StorageSample(now, fioCpu, qemuCpu, kernel, spin, halts, hits);
    }
}
