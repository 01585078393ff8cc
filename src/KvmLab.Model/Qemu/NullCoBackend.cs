using KvmLab.Engine.Time;
using KvmLab.Model.Hardware;
using KvmLab.Model.HostOs;
using KvmLab.Model.Storage;

namespace KvmLab.Model.Qemu;

/// <summary>
/// QEMU's null-co block driver (block/null.c, QEMU 5.2): null_co_preadv/pwritev do no I/O — with
/// read-zeroes off (the default) not even a memset — and return 0, after sleeping latency-ns in
/// the coroutine when it is set (qemu_co_sleep_ns, a timer of the AioContext). The software path
/// without a device. With latency-ns 0 the coroutine has finished before blk_aio_prwv returns, so
/// block/block-backend.c defers the completion to a one-shot bottom half (blk_aio_complete_bh);
/// with a latency, timer_mod arms the AioContext's timer and its expiry resumes the coroutine.
/// Either way the submission calls aio_notify once (qemu_bh_schedule or timerlist_notify).
/// </summary>
public sealed class NullCoBackend : IBlockBackend
{
    private readonly HostContext _host;
    private readonly QemuEventLoop _loop;
    private readonly SimSpan _latency;
    private readonly Queue<IoRequest> _sleeping = new();

    public NullCoBackend(HostContext host, QemuEventLoop loop, long latencyNs)
    {
        ArgumentNullException.ThrowIfNull(host);
        _host = host;
        _loop = loop;
        _latency = new SimSpan(latencyNs);
        Notifier = new Eventfd("null-co (no fd: bottom half)");
    }

    public Queue<IoRequest> Completions { get; } = new();

    /// <summary>Never signalled: the completion is a bottom half or a timer, not an fd.</summary>
    public Eventfd Notifier { get; }

    /// <summary>Nothing beyond the block layer's completion: the coroutine only returns 0.</summary>
    public SimSpan CompleteCost => SimSpan.Zero;

    public bool CompletesInBh => true;

    public void Submit(IoRequest req, Action then)
    {
        ArgumentNullException.ThrowIfNull(req);

        // No host software and no device: the phases QEMU → host → device end here.
        req.Mark(IoPhase.Qemu, _loop.Now);
        req.Mark(IoPhase.Host, _loop.Now);
        if (_latency.Ns == 0)
        {
            req.Mark(IoPhase.Device, _loop.Now);
            Completions.Enqueue(req);
            _loop.AioNotify(then); // qemu_bh_schedule(blk_aio_complete_bh) → aio_notify
            return;
        }

        _sleeping.Enqueue(req);
        _host.After(_latency, Expired);
        _loop.AioNotify(then); // qemu_co_sleep_ns → timer_mod → aio_notify
    }

    /// <summary>The coroutine's sleep ended: the AioContext's timer fires in its next aio_poll.</summary>
    private void Expired()
    {
        IoRequest req = _sleeping.Dequeue();
        req.Mark(IoPhase.Device, _loop.Now);
        Completions.Enqueue(req);
        _loop.TimerExpired();
    }
}
