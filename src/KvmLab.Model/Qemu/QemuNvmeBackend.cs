using KvmLab.Engine.Time;
using KvmLab.Model.Hardware;
using KvmLab.Model.HostOs;
using KvmLab.Model.Storage;

namespace KvmLab.Model.Qemu;

/// <summary>
/// block/nvme.c: QEMU's userspace NVMe driver over VFIO. The event loop's thread writes the SQE
/// and the SQ doorbell through the BAR mapping (no syscall); the CQE lands in QEMU's memory, where
/// nvme_poll_cb finds it while the IOThread polls. With interrupts on, the queue's MSI-X also goes
/// to the host's vfio_msihandler, which signals the eventfd QEMU watches (and, when the thread was
/// polling, steals its CPU for nothing); with polled completion queues (the talk's prototype) there
/// is no interrupt at all.
/// </summary>
public sealed class QemuNvmeBackend : IBlockBackend
{
    private readonly HostContext _host;
    private readonly QemuEventLoop _loop;
    private readonly NvmeDevice _device;
    private readonly StorageCosts _c;
    private readonly int _bytes;
    private readonly bool _polledQueues;
    private readonly SimSpan _hostHop;
    private readonly SimSpan _memoryHop;
    private readonly Func<int, Pcpu> _irqCpu;

    public QemuNvmeBackend(HostContext host, QemuEventLoop loop, NvmeDevice device, StorageConfig cfg, int bytes, Func<int, Pcpu> irqCpu)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(cfg);
        _host = host;
        _loop = loop;
        _device = device;
        _c = host.Costs.Storage;
        _bytes = bytes;
        _polledQueues = cfg.PolledQueues;
        _hostHop = _c.Hop(cfg.IoThreadNode, 0);
        _memoryHop = _c.Hop(cfg.MemoryNode, 0);
        _irqCpu = irqCpu;
        Notifier = new Eventfd("vfio-msix");
    }

    public Queue<IoRequest> Completions { get; } = new();

    public Eventfd Notifier { get; }

    /// <summary>nvme_process_completion: CQE, phase, cid lookup, CQ head doorbell, callback.</summary>
    public SimSpan CompleteCost => _c.QemuNvmeComplete;

    public void Submit(IoRequest req, Action then)
    {
        ArgumentNullException.ThrowIfNull(req);
        _loop.Exec(_c.QemuNvmeSubmit + _hostHop, () =>
        {
            req.Mark(IoPhase.Qemu, _loop.Now);
            req.SubmitCpu = _loop.Cpu!.Id;
            SimTime cqe = _device.Submit(_loop.Now + _memoryHop, _bytes, req.Id);
            _host.Sim.Schedule(cqe, () => Cqe(req));
            then();
        }, "block/nvme submit");
    }

    private void Cqe(IoRequest req)
    {
        req.Mark(IoPhase.Device, _host.Sim.Now);
        _host.After(_hostHop, () =>
        {
            Completions.Enqueue(req);
            _loop.PollReadyChanged();
        });
        if (!_polledQueues)
        {
            // vfio_msihandler: host IRQ entry/exit and eventfd_signal on the vector's CPU.
            _host.After(_host.Costs.PhysicalIpiLatency + _hostHop, () =>
                _host.Scheduler.Interrupt(_irqCpu(req.SubmitCpu), _c.VfioMsiHandler, "vfio-msix", Notifier.Signal));
        }
    }
}
