using KvmLab.Engine.Time;
using KvmLab.Model.Hardware;
using KvmLab.Model.HostOs;
using KvmLab.Model.Storage;

namespace KvmLab.Model.Qemu;

/// <summary>
/// block/file-posix.c with aio=native (block/linux-aio.c) or aio=io_uring: the event loop's thread
/// enters the host kernel with io_submit (host block layer and NVMe driver, charged on that
/// thread's CPU) and rings the drive's doorbell; the queue's MSI-X → nvme_irq → aio_complete
/// writes the AIO ring and signals the context's eventfd (eventfd_signal), which wakes a blocked
/// thread; a polling IOThread finds the ring entry with qemu_laio_poll_cb instead.
/// </summary>
public sealed class LinuxAioBackend : IBlockBackend
{
    private readonly QemuEventLoop _loop;
    private readonly StorageCosts _c;
    private readonly SimSpan _submit;
    private readonly SimSpan _hostHop;
    private readonly HostNvmeQueue _queue;

    /// <param name="irqCpu">Where the drive's vector lands, given the submitting CPU.</param>
    public LinuxAioBackend(HostContext host, QemuEventLoop loop, NvmeDevice device, StorageConfig cfg, int bytes, Func<int, Pcpu> irqCpu)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(cfg);
        _loop = loop;
        _c = host.Costs.Storage;
        _submit = cfg.HostIoUring ? _c.HostIoUringSubmit : _c.HostAioSubmit;
        _hostHop = _c.Hop(cfg.IoThreadNode, 0);
        Notifier = new Eventfd("linux-aio");
        _queue = new HostNvmeQueue(host, device, bytes, irqCpu, _c.Hop(cfg.MemoryNode, 0), _hostHop, polled: false,
            _c.HostNvmeIrq + _c.EventfdSignal, AioCompleted, "nvme0 (aio)");
    }

    public Queue<IoRequest> Completions { get; } = new();

    public Eventfd Notifier { get; }

    /// <summary>qemu_laio_process_completions: the ring read and the request's callback.</summary>
    public SimSpan CompleteCost => _c.LinuxAioUser;

    public void Submit(IoRequest req, Action then)
    {
        ArgumentNullException.ThrowIfNull(req);
        _loop.Exec(_c.LinuxAioUser, () =>
        {
            req.Mark(IoPhase.Qemu, _loop.Now);
            _loop.Exec(_c.SyscallEntryExit + _submit + _hostHop, () =>
            {
                req.Mark(IoPhase.Host, _loop.Now);
                req.SubmitCpu = _loop.Cpu!.Id;
                _queue.Doorbell(req);
                then();
            }, "io_submit (host kernel)");
        }, "linux-aio");
    }

    /// <summary>aio_complete at the end of nvme_irq: the ring entry, eventfd_signal, and a polling thread's next pass.</summary>
    private void AioCompleted(IoRequest req)
    {
        Completions.Enqueue(req);
        Notifier.Signal();
        _loop.PollReadyChanged();
    }
}
