using KvmLab.Engine.Events;
using KvmLab.Engine.Stats;
using KvmLab.Engine.Time;
using KvmLab.Model.Hardware;
using KvmLab.Model.Kvm;
using KvmLab.Model.Qemu;

namespace KvmLab.Model.Storage;

/// <summary>
/// The whole QD-n storage path of one configuration, from fio to the drive and back (MECHANISMS.md
/// section 7): guest or host submission, the virtqueue kick (ioeventfd) or its suppression while
/// QEMU polls, QEMU's event loop, the host block layer or QEMU's userspace NVMe driver, the drive,
/// the completion (MSI-X, host IRQ, eventfd, or polling), irqfd and posted-interrupt injection,
/// and the waiter's wake-up (HLT, cpuidle-haltpoll, io_poll). Each CPU is a
/// <see cref="CpuTimeline"/>; events carry the request through them in time order.
/// </summary>
public sealed partial class StorageStack : IEventHandler
{
    private const int EvIssue = 0;
    private const int EvQemuSubmit = 1;
    private const int EvDeviceDone = 2;
    private const int EvVcpuInterrupt = 3;
    private const int EvDone = 4;

    private readonly HostContext _host;
    private readonly StorageCostProfile _c;
    private readonly CostProfile _cpu;
    private readonly StorageConfig _cfg;
    private readonly FioJob _fio;
    private readonly NvmeDevice _device;
    private readonly QemuEventLoop? _qemu;
    private readonly StorageVcpu[] _vcpus;
    private readonly int[] _inflight;
    private readonly Dictionary<long, (IoRequest Req, int Job)> _pending = [];
    private readonly LatencyHistogram _lat;
    private readonly LatencyHistogram _clat;
    private readonly double[] _phaseSumNs = new double[Enum.GetValues<IoPhase>().Length];
    private long _nextId;

    public StorageStack(HostContext host, StorageConfig cfg, NvmeDeviceSpec device, FioJob fio, StorageCostProfile costs, IHaltPollPolicy? hostHaltPoll)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(cfg);
        ArgumentNullException.ThrowIfNull(fio);
        _host = host;
        _c = costs;
        _cpu = host.Costs;
        _cfg = cfg;
        _fio = fio;
        _device = new NvmeDevice(device, host.Rng.Get("storage/nvme0/service"));
        bool measuring() => host.Measuring;
        bool isVirtual = cfg.Path != StoragePath.BareMetal;
        _vcpus = new StorageVcpu[fio.NumJobs];
        for (int j = 0; j < fio.NumJobs; j++)
        {
            var cpu = new CpuTimeline(isVirtual ? $"vcpu{j}" : $"fio{j}", cfg.VcpuNode, costs.IdleStates, measuring);
            _vcpus[j] = new StorageVcpu(cpu, isVirtual, isVirtual && cfg.GuestHaltPoll ? new GuestHaltPollGovernor() : null,
                isVirtual && !cfg.GuestHaltPoll ? hostHaltPoll : null, costs, _cpu,
                cfg.Path == StoragePath.VfioPassthrough ? costs.VfioMsiHandler : SimSpan.Zero);
        }

        if (cfg.IrqOnOtherCpu)
        {
            IrqCpu = new CpuTimeline("nvme-irq", 0, costs.IdleStates, measuring);
        }

        if (cfg.Path == StoragePath.VirtioBlk)
        {
            var cpu = new CpuTimeline(cfg.IoThread ? "iothread" : "main-loop", cfg.IoThreadNode, costs.IdleStates, measuring);
            bool pollForever = cfg.Backend == QemuBackend.UserspaceNvme && cfg.PolledQueues;
            _qemu = new QemuEventLoop(cpu, cfg.IoThread, new AioPollAdaptation(cfg.PollMaxNs, cfg.PollGrow, cfg.PollShrink), pollForever, costs, _cpu);
        }

        _inflight = new int[fio.NumJobs];
        _lat = host.Metrics.Histogram("fio_lat");
        _clat = host.Metrics.Histogram("fio_clat");
    }

    public StorageConfig Config => _cfg;

    public NvmeDevice Device => _device;

    public QemuEventLoop? Qemu => _qemu;

    public IReadOnlyList<StorageVcpu> Vcpus => _vcpus;

    /// <summary>The CPU the drive's interrupts land on when it is not the submitting one (<see cref="StorageConfig.IrqOnOtherCpu"/>).</summary>
    public CpuTimeline? IrqCpu { get; }

    public LatencyHistogram Latency => _lat;

    public LatencyHistogram CompletionLatency => _clat;

    /// <summary>Requests completed in the measured window.</summary>
    public long Completed { get; private set; }

    public long Kicks { get; private set; }

    public long SuppressedKicks { get; private set; }

    public long Irqfds { get; private set; }

    /// <summary>Mean time per phase over measured requests (ns), in <see cref="IoPhase"/> order.</summary>
    public IReadOnlyList<double> PhaseMeanNs => [.. _phaseSumNs.Select(s => Completed == 0 ? double.NaN : s / Completed)];

    public void Start()
    {
        for (int j = 0; j < _fio.NumJobs; j++)
        {
            for (int d = 0; d < _fio.IoDepth; d++)
            {
                _host.Sim.Schedule(_host.Sim.Now, this, EvIssue, j);
            }
        }
    }

    public void OnEvent(int kind, long arg)
    {
        switch (kind)
        {
            case EvIssue:
                Issue((int)arg);
                break;
            case EvQemuSubmit:
                QemuSubmit(_pending[arg].Req);
                break;
            case EvDeviceDone:
                DeviceDone(_pending[arg].Req, _pending[arg].Job);
                break;
            case EvVcpuInterrupt:
                VcpuInterrupt(_pending[arg].Req, _pending[arg].Job);
                break;
            case EvDone:
                Done(arg);
                break;
            default:
                throw new InvalidOperationException($"Unknown storage event kind {kind}.");
        }
    }

    private SimTime Now => _host.Sim.Now;

    private SimSpan Hop(int a, int b) => a == b ? SimSpan.Zero : _c.RemoteNumaHop;

    private void At(SimTime t, int kind, long id) => _host.Sim.Schedule(t, this, kind, id);

    private void Count(Action bump)
    {
        if (_host.Measuring)
        {
            bump();
        }
    }

    private void Issue(int job)
    {
        if (_fio.Runtime.Ns > 0 && Now.Ns >= _fio.Runtime.Ns)
        {
            return;
        }

        StorageVcpu v = _vcpus[job];
        var req = new IoRequest(_nextId++, Now, _cfg.MultiQueue ? job : 0);
        _pending[req.Id] = (req, job);
        _inflight[job]++;
        CpuTimeline cpu = v.Cpu;
        switch (_cfg.Path)
        {
            case StoragePath.BareMetal:
            {
                SimTime t1 = cpu.Run(Now, _c.FioPerIo + _c.SyscallEntryExit);
                req.Mark(IoPhase.GuestSubmit, t1);
                SimTime db = cpu.Run(t1, HostSubmit() + Hop(_cfg.VcpuNode, 0));
                req.Mark(IoPhase.Host, db);
                At(_device.Submit(db + Hop(_cfg.MemoryNode, 0), _fio.BlockSize), EvDeviceDone, req.Id);
                break;
            }

            case StoragePath.VfioPassthrough:
            {
                // The guest's own NVMe driver rings the doorbell in the mapped BAR: no exit.
                SimTime db = cpu.Run(Now, _c.FioPerIo + _c.SyscallEntryExit + _c.HostAioSubmit + Hop(_cfg.VcpuNode, 0));
                req.Mark(IoPhase.GuestSubmit, db);
                At(_device.Submit(db + Hop(_cfg.MemoryNode, 0), _fio.BlockSize), EvDeviceDone, req.Id);
                break;
            }

            default:
            {
                SimTime t1 = cpu.Run(Now, _c.FioPerIo + _c.SyscallEntryExit + _c.GuestVirtioSubmit + _c.GuestKickPrepare);
                req.Mark(IoPhase.GuestSubmit, t1);
                QemuEventLoop q = _qemu!;
                if (q.NotificationsSuppressedAt(t1))
                {
                    // QEMU is polling the avail ring: the guest skips the kick.
                    Count(() => SuppressedKicks++);
                    At(t1 + Hop(_cfg.VcpuNode, _cfg.IoThreadNode), EvQemuSubmit, req.Id);
                }
                else
                {
                    // Doorbell write → EPT misconfig exit → ioeventfd → eventfd_signal, then back into the guest.
                    Count(() => Kicks++);
                    v.Exits++;
                    SimTime signalled = cpu.Run(t1, _cpu.VmExit + _cpu.ExitHostIrqEnable + _cpu.ExitHandlerDispatch + _c.IoeventfdMmioHandler + _c.EventfdSignal);
                    cpu.Run(signalled, _cpu.EnterGuestLoop + _cpu.VmEntry);
                    At(signalled + Hop(_cfg.VcpuNode, _cfg.IoThreadNode), EvQemuSubmit, req.Id);
                }

                break;
            }
        }

        if (_inflight[job] == _fio.IoDepth && !_cfg.IoPoll)
        {
            // fio waits in io_getevents: syscall entry, then the kernel's idle loop (do_idle) in a guest.
            SimSpan idleEntry = _c.SyscallEntryExit + (_cfg.Path == StoragePath.BareMetal ? SimSpan.Zero : _cpu.GuestIdleLoop);
            cpu.Run(cpu.FreeAt, idleEntry);
        }
    }

    private SimSpan HostSubmit() => _cfg.HostIoUring ? _c.HostIoUringSubmit : _c.HostAioSubmit;

    private SimSpan CoroutineOrFastpathSubmit() => _cfg.AioFastpath ? _c.AioFastpathCall : _c.BlockCoroutineSubmit;

    private SimSpan CoroutineOrFastpathComplete() => _cfg.AioFastpath ? _c.AioFastpathCall : _c.BlockCoroutineComplete;

    private void QemuSubmit(IoRequest req)
    {
        QemuEventLoop q = _qemu!;
        SimTime start = q.Notice(Now, SimSpan.Zero);
        req.Mark(IoPhase.Notify, start);
        SimTime t = q.Cpu.Run(start, _c.VirtioBlkPop + Hop(_cfg.MemoryNode, _cfg.IoThreadNode) + CoroutineOrFastpathSubmit());
        SimTime doorbell;
        if (_cfg.Backend == QemuBackend.UserspaceNvme)
        {
            doorbell = q.Cpu.Run(t, _c.QemuNvmeSubmit + Hop(_cfg.IoThreadNode, 0));
            req.Mark(IoPhase.Qemu, doorbell);
        }
        else
        {
            t = q.Cpu.Run(t, _c.LinuxAioUser);
            req.Mark(IoPhase.Qemu, t);
            doorbell = q.Cpu.Run(t, _c.SyscallEntryExit + HostSubmit() + Hop(_cfg.IoThreadNode, 0));
            req.Mark(IoPhase.Host, doorbell);
        }

        At(_device.Submit(doorbell + Hop(_cfg.MemoryNode, 0), _fio.BlockSize), EvDeviceDone, req.Id);
    }

    private void Done(long id)
    {
        (IoRequest req, int job) = _pending[id];
        _pending.Remove(id);
        _inflight[job]--;
        if (req.Issued >= _host.MeasureFrom)
        {
            long lat = (Now - req.Issued).Ns;
            _lat.Record(lat);
            _clat.Record(lat - req.PhaseNs[(int)IoPhase.GuestSubmit]);
            for (int p = 0; p < _phaseSumNs.Length; p++)
            {
                _phaseSumNs[p] += req.PhaseNs[p];
            }

            Completed++;
        }

        Issue(job);
    }
}
