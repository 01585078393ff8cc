using KvmLab.Engine.Time;
using KvmLab.Model.Hardware;
using KvmLab.Model.HostOs;
using KvmLab.Model.Storage;

namespace KvmLab.Model.Qemu;

/// <summary>
/// A QEMU thread running an AioContext (util/aio-posix.c aio_poll, QEMU 5.2) as a host thread on
/// the shared scheduler: the main loop (glib, no polling: aio_prepare disables poll mode; each
/// iteration pays glib and the BQL) or an IOThread. An IOThread first polls its handlers for
/// poll_ns (try_poll_mode → run_poll_handlers: the thread spins on its pCPU, each pass
/// <see cref="StorageCosts.QemuPollIteration"/>), with the virtqueues' guest notifications off
/// (io_poll_begin); if nothing turns up it stops polling (poll_set_started(false): notifications
/// on, one last io_poll) and blocks in ppoll until an eventfd it watches is signalled, which wakes
/// it through the host scheduler. After each aio_poll the window adapts to the time it took
/// (<see cref="AioPollAdaptation"/>). With polled NVMe queues the thread polls without a limit
/// (the prototype in Hajnoczi 2020 integrates the fd checks into the busy loop).
/// </summary>
public sealed class QemuEventLoop : HostWorker
{
    private readonly List<AioHandler> _handlers = [];
    private readonly StorageCosts _c;
    private readonly bool _pollForever;
    private SimTime _iterStart;
    private bool _pollStarted;
    private bool _inPollHandlers;
    private bool _notified;

    public QemuEventLoop(HostContext host, string name, int? pinnedCpu, bool ioThread, AioPollAdaptation adaptation, bool pollForever)
        : base(host, name, pinnedCpu, StorageTrace.Qemu)
    {
        IoThread = ioThread;
        Adaptation = ioThread ? adaptation : new AioPollAdaptation(0);
        _pollForever = ioThread && pollForever;
        _c = host.Costs.Storage;
    }

    public bool IoThread { get; }

    public AioPollAdaptation Adaptation { get; }

    /// <summary>ctx->poll_ns: the current polling window.</summary>
    public long PollNs { get; private set; }

    /// <summary>aio_poll iterations whose work polling found (measured window).</summary>
    public long PolledWakeups { get; private set; }

    /// <summary>aio_poll iterations whose work came through ppoll and an eventfd (measured window).</summary>
    public long FdWakeups { get; private set; }

    /// <summary>
    /// ctx->notify_me stays raised while the loop polls (QEMU before 5.2; see
    /// <see cref="Storage.StorageConfig.AioNotifyMePolling"/>): aio_notify from the poll handlers writes ctx->notifier.
    /// </summary>
    public bool NotifyMeWhilePolling { get; init; }

    /// <summary>aio_notify calls that wrote ctx->notifier (event_notifier_set) and the reads that cleared it (measured window).</summary>
    public long NotifierWrites { get; private set; }

    public long NotifierReads { get; private set; }

    /// <summary>aio_set_event_notifier: the context watches <paramref name="handler"/> from now on.</summary>
    public void AddHandler(AioHandler handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        _handlers.Add(handler);
        handler.Notifier.Watcher = OnNotifierSignalled;
    }

    /// <summary>Something a handler's io_poll looks at became visible: a polling thread sees it on its next pass.</summary>
    public void PollReadyChanged() => Poke();

    public SimTime Now => Host.Sim.Now;

    /// <summary>
    /// aio_notify (util/async.c), called on this thread by qemu_bh_schedule or timer_mod while a
    /// handler runs: with notify_me raised — before QEMU 5.2, while the handler runs from the
    /// polling loop — event_notifier_set writes the eventfd (a write syscall, then aio_notify_accept's
    /// read); otherwise only ctx->notified is set, which costs nothing here.
    /// </summary>
    public void AioNotify(Action then)
    {
        if (!(NotifyMeWhilePolling && _inPollHandlers))
        {
            then();
            return;
        }

        _notified = true;
        if (Host.Measuring)
        {
            NotifierWrites++;
        }

        Exec(_c.SyscallEntryExit + _c.EventfdSignal, then, "aio_notify: event_notifier_set");
    }

    /// <summary>A timer of this AioContext expired (a ppoll timeout, or seen by the next pass of a polling loop).</summary>
    public void TimerExpired()
    {
        if (Sleeping)
        {
            WakeUp();
        }
        else
        {
            Poke();
        }
    }

    /// <summary>Runs QEMU (or host-kernel, inside a syscall) code on this thread.</summary>
    public void Exec(SimSpan cost, Action then, string label) => Run(cost, then, label);

    protected override void OnStarted() => AioPoll();

    private SimSpan Window => _pollForever ? Forever : new SimSpan(PollNs);

    /// <summary>One aio_poll(ctx, blocking = true).</summary>
    private void AioPoll()
    {
        _iterStart = Host.Sim.Now;
        if (IoThread && Window.Ns > 0)
        {
            if (!_pollStarted)
            {
                _pollStarted = true;
                foreach (AioHandler h in _handlers)
                {
                    h.PollBegin?.Invoke();
                }
            }

            Poll(Window, _c.QemuPollIteration, PolledProgress, WaitFds);
            if (AnyPollReady())
            {
                Poke(); // the first run_poll_handlers_once pass finds it
            }

            return;
        }

        WaitFds();
    }

    private void PolledProgress()
    {
        Count(polled: true);
        Adjust();
        DispatchPollReady(0, AcceptNotify);
    }

    /// <summary>
    /// aio_notify_accept after polling, before QEMU 5.2: if an aio_notify wrote ctx->notifier,
    /// event_notifier_test_and_clear reads it (a read syscall on the eventfd); then the next aio_poll.
    /// </summary>
    private void AcceptNotify()
    {
        _inPollHandlers = false;
        if (!_notified)
        {
            AioPoll();
            return;
        }

        _notified = false;
        if (Host.Measuring)
        {
            NotifierReads++;
        }

        Exec(_c.SyscallEntryExit + _c.EventfdSignal, AioPoll, "aio_notify_accept: event_notifier_test_and_clear");
    }

    /// <summary>Polling found nothing (or is off): stop polling, then ppoll on the notifiers.</summary>
    private void WaitFds()
    {
        if (_pollStarted)
        {
            _pollStarted = false;
            foreach (AioHandler h in _handlers)
            {
                h.PollEnd?.Invoke();
            }

            if (AnyPollReady())
            {
                // "Poll one last time in case ->io_poll_end() raced with the event."
                Count(polled: true);
                Adjust();
                Exec(_c.QemuPollIteration, () => DispatchPollReady(0, AcceptNotify), "polling");
                return;
            }
        }

        if (BhPending())
        {
            // aio_compute_timeout is 0 with a bottom half scheduled: ppoll does not block, aio_bh_poll runs it.
            Count(polled: false);
            Adjust();
            RunBhs(AioPoll);
            return;
        }

        if (_handlers.Any(h => h.Notifier.Count > 0))
        {
            // ppoll returns at once: a notifier is already readable.
            Count(polled: false);
            Adjust();
            DispatchFds(AioPoll);
            return;
        }

        Sleep(Woken);
    }

    private void Woken()
    {
        Count(polled: false);
        Adjust();
        DispatchFds(AioPoll);
    }

    private void OnNotifierSignalled()
    {
        if (Sleeping)
        {
            WakeUp();
        }
    }

    /// <summary>aio_poll's adjustment of ctx->poll_ns by the time since it began (block_ns).</summary>
    private void Adjust()
    {
        if (IoThread && !_pollForever)
        {
            PollNs = Adaptation.Adjust(PollNs, (Host.Sim.Now - _iterStart).Ns);
        }
    }

    private void Count(bool polled)
    {
        if (!Host.Measuring)
        {
            return;
        }

        if (polled)
        {
            PolledWakeups++;
        }
        else
        {
            FdWakeups++;
        }
    }

    private bool BhPending()
    {
        foreach (AioHandler h in _handlers)
        {
            if (h.Bh && h.PollReady())
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>aio_bh_poll: the scheduled bottom halves, in registration order (notify_me is lowered by then).</summary>
    private void RunBhs(Action then)
    {
        AioHandler? h = _handlers.FirstOrDefault(x => x.Bh && x.PollReady());
        if (h is null)
        {
            then();
            return;
        }

        h.Process(() => RunBhs(then));
    }

    private bool AnyPollReady()
    {
        foreach (AioHandler h in _handlers)
        {
            if (h.PollReady())
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The handlers whose io_poll found work, in registration order.</summary>
    private void DispatchPollReady(int from, Action then)
    {
        int i = from;
        while (i < _handlers.Count && !_handlers[i].PollReady())
        {
            i++;
        }

        if (i == _handlers.Count)
        {
            then();
            return;
        }

        int next = i + 1;
        // A poll handler runs inside try_poll_mode (notify_me raised before QEMU 5.2); a bottom half in aio_bh_poll after it.
        _inPollHandlers = !_handlers[i].Bh;
        _handlers[i].Process(() => DispatchPollReady(next, then));
    }

    /// <summary>
    /// ppoll returned: (the main loop's glib iteration, then) each readable notifier is read
    /// (event_notifier_test_and_clear) and its handler runs, finding work or, after polling
    /// already handled it, nothing.
    /// </summary>
    private void DispatchFds(Action then)
    {
        if (IoThread)
        {
            DispatchFd(0, then);
        }
        else
        {
            Exec(_c.QemuMainLoopIteration, () => DispatchFd(0, then), "glib main loop");
        }
    }

    private void DispatchFd(int from, Action then)
    {
        int i = from;
        while (i < _handlers.Count && _handlers[i].Notifier.Count == 0)
        {
            i++;
        }

        if (i == _handlers.Count)
        {
            then();
            return;
        }

        AioHandler h = _handlers[i];
        h.Notifier.TestAndClear();
        int next = i + 1;
        Exec(_c.QemuFdDispatch, () => h.Process(() => DispatchFd(next, then)), "fd dispatch");
    }
}
