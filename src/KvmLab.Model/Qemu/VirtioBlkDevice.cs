using KvmLab.Engine.Time;
using KvmLab.Model.Guest;
using KvmLab.Model.Hardware;
using KvmLab.Model.HostOs;
using KvmLab.Model.Kvm;
using KvmLab.Model.Storage;

namespace KvmLab.Model.Qemu;

/// <summary>
/// QEMU's virtio-blk device (hw/block/virtio-blk.c, QEMU 5.2) on one event loop: each virtqueue's
/// host notifier is an ioeventfd KVM signals on a kick, and its interrupt an irqfd to the queue's
/// vCPU. virtio_blk_handle_vq pops every available request (notifications off meanwhile if they
/// were on, then the do/while re-check of an empty queue), runs virtio-blk and the block layer
/// (a coroutine per request, or the aio fastpath prototype's direct driver call) and hands it to
/// the <see cref="IBlockBackend"/>; a completion runs the driver's callback, the block layer's
/// completion and virtio_blk_req_complete (virtqueue_push), then virtio_notify writes the irqfd —
/// unless the guest polls the used ring (the virtio-blk iopoll prototype turns its callbacks off).
/// </summary>
public sealed class VirtioBlkDevice
{
    /// <summary>Where the virtio-pci notify region starts (a modern device's notify capability BAR), and each queue's offset in it.</summary>
    public const long NotifyBase = 0xfe00_3000;

    /// <summary>QEMU's notify_off_multiplier (QEMU_VIRTIO_PCI_QUEUE_MEM_MULT, hw/virtio/virtio-pci.c).</summary>
    public const long NotifyStride = 0x1000;

    private readonly HostContext _host;
    private readonly QemuEventLoop _loop;
    private readonly IBlockBackend _backend;
    private readonly FioStats _stats;
    private readonly StorageCosts _c;
    private readonly SimSpan _submitWork;
    private readonly SimSpan _completeWork;
    private readonly SimSpan _vcpuHop;
    private readonly Action<IoRequest>? _guestPolls;

    /// <param name="queues">num-queues: one per vCPU that submits, or one.</param>
    /// <param name="guestPolls">When the guest polls the used ring (no irqfd): how it sees a pushed request.</param>
    public VirtioBlkDevice(HostContext host, Vm vm, StorageConfig cfg, QemuEventLoop loop, IBlockBackend backend, FioStats stats, int queues, Action<IoRequest>? guestPolls)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(vm);
        ArgumentNullException.ThrowIfNull(cfg);
        ArgumentNullException.ThrowIfNull(loop);
        ArgumentNullException.ThrowIfNull(backend);
        _host = host;
        _loop = loop;
        _backend = backend;
        _stats = stats;
        _guestPolls = guestPolls;
        _c = host.Costs.Storage;
        SimSpan memoryHop = _c.Hop(cfg.MemoryNode, cfg.IoThreadNode);
        _submitWork = _c.VirtioBlkPop + memoryHop + (cfg.AioFastpath ? _c.AioFastpathCall : _c.BlockCoroutineSubmit);
        _completeWork = backend.CompleteCost + (cfg.AioFastpath ? _c.AioFastpathCall : _c.BlockCoroutineComplete) + _c.VirtioBlkPush + memoryHop;
        _vcpuHop = _c.Hop(cfg.VcpuNode, cfg.IoThreadNode);

        // The backend's completions first (its AioContext handler is attached when the drive opens), then the virtqueues.
        loop.AddHandler(new AioHandler(backend.Notifier, () => backend.Completions.Count > 0, ProcessCompletions, Bh: backend.CompletesInBh));
        Queues = [.. Enumerable.Range(0, queues).Select(i =>
        {
            var notifier = new Eventfd($"virtio-blk vq{i}");
            vm.AssignIoeventfd(NotifyBase + (i * NotifyStride), notifier);
            return new VirtQueue(i, NotifyBase + (i * NotifyStride), notifier, new Irqfd(vm, i, Vectors.VirtioBlk));
        })];
        foreach (VirtQueue vq in Queues)
        {
            loop.AddHandler(new AioHandler(vq.HostNotifier, () => vq.Avail.Count > 0, then => HandleVq(vq, then),
                PollBegin: () => vq.Notification = false, // virtio_queue_host_notifier_aio_poll_begin
                PollEnd: () => vq.Notification = true));  // virtio_queue_host_notifier_aio_poll_end
        }
    }

    public IReadOnlyList<VirtQueue> Queues { get; }

    public QemuEventLoop Loop => _loop;

    /// <summary>The guest added <paramref name="req"/> to its queue's avail ring (vring avail idx written).</summary>
    public void Publish(IoRequest req)
    {
        ArgumentNullException.ThrowIfNull(req);
        Queues[req.Queue].Avail.Enqueue(req);
        _host.After(_vcpuHop, _loop.PollReadyChanged);
    }

    /// <summary>virtio_blk_handle_vq.</summary>
    private void HandleVq(VirtQueue vq, Action then)
    {
        bool suppress = vq.Notification;
        if (suppress)
        {
            vq.Notification = false;
        }

        PopNext(vq, suppress, then);
    }

    private void PopNext(VirtQueue vq, bool suppress, Action then)
    {
        if (vq.Avail.TryDequeue(out IoRequest? req))
        {
            req.Mark(IoPhase.Notify, _loop.Now);
            _loop.Exec(_submitWork, () => _backend.Submit(req, () => PopNext(vq, suppress, then)), "virtio-blk + block layer");
            return;
        }

        if (suppress)
        {
            vq.Notification = true;
            if (vq.Avail.Count > 0)
            {
                HandleVq(vq, then); // } while (!virtio_queue_empty(vq));
                return;
            }
        }

        then();
    }

    private void ProcessCompletions(Action then)
    {
        if (!_backend.Completions.TryDequeue(out IoRequest? req))
        {
            then();
            return;
        }

        _loop.Exec(_completeWork, () =>
        {
            req.Mark(IoPhase.Completion, _loop.Now);
            Deliver(req, () => ProcessCompletions(then));
        }, "complete + virtqueue_push");
    }

    /// <summary>
    /// virtio_blk_req_complete: in an IOThread (dataplane) virtio_blk_data_plane_notify schedules
    /// notify_guest_bh (qemu_bh_schedule → aio_notify, which writes an eventfd only with notify_me
    /// raised; the bottom half's own hop is not modeled), then virtio_notify: the irqfd, unless the
    /// guest polls (virtio_should_notify finds its callbacks off).
    /// </summary>
    private void Deliver(IoRequest req, Action next)
    {
        if (_loop.IoThread)
        {
            _loop.AioNotify(() => Notify(req, next));
            return;
        }

        Notify(req, next);
    }

    private void Notify(IoRequest req, Action next)
    {
        if (_guestPolls is { } polled)
        {
            _host.After(_vcpuHop, () => polled(req));
            next();
            return;
        }

        VirtQueue vq = Queues[req.Queue];
        vq.Used.Enqueue(req);
        _stats.CountIrqfd();
        _loop.Exec(vq.Irqfd.WriteCost, () =>
        {
            _host.After(_vcpuHop, vq.Irqfd.Signal);
            next();
        }, "irqfd write");
    }
}
