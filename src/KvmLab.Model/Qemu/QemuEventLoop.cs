using KvmLab.Engine.Time;
using KvmLab.Model.Hardware;
using KvmLab.Model.Storage;

namespace KvmLab.Model.Qemu;

/// <summary>
/// The QEMU thread that runs virtio-blk: the main loop (glib, no polling, BQL) or an IOThread
/// whose AioContext polls adaptively before blocking (util/aio-posix.c aio_poll, QEMU 5.2).
/// While it polls, the virtqueue's guest notifications are off
/// (virtio_queue_host_notifier_aio_poll_begin → virtio_queue_set_notification(vq, 0)), so a
/// guest submitting then skips the kick; when it blocks they are re-enabled and an event (the
/// ioeventfd, a Linux AIO eventfd or a VFIO MSI eventfd) must wake it. With polled NVMe queues
/// the thread polls without a time limit (the prototype in Hajnoczi 2020 integrates the fd
/// checks into the busy loop).
/// </summary>
public sealed class QemuEventLoop
{
    private readonly StorageCostProfile _c;
    private readonly CostProfile _cpu;
    private readonly bool _pollForever;

    public QemuEventLoop(CpuTimeline cpu, bool ioThread, AioPollAdaptation adaptation, bool pollForever, StorageCostProfile costs, CostProfile cpuCosts)
    {
        Cpu = cpu;
        IoThread = ioThread;
        Adaptation = ioThread ? adaptation : new AioPollAdaptation(0);
        _pollForever = ioThread && pollForever;
        _c = costs;
        _cpu = cpuCosts;
    }

    public CpuTimeline Cpu { get; }

    public bool IoThread { get; }

    public AioPollAdaptation Adaptation { get; }

    /// <summary>ctx->poll_ns: the current polling window.</summary>
    public long PollNs { get; private set; }

    public long PolledWakeups { get; private set; }

    public long SleepingWakeups { get; private set; }

    /// <summary>How long the thread polls after going idle before it blocks.</summary>
    public SimSpan Window => _pollForever ? new SimSpan(long.MaxValue / 4) : new SimSpan(PollNs);

    /// <summary>True when the thread is running or polling at <paramref name="t"/> (guest notifications suppressed).</summary>
    public bool NotificationsSuppressedAt(SimTime t)
    {
        if (!IoThread)
        {
            return false;
        }

        if (!Cpu.IdleAt(t))
        {
            return true;
        }

        return (t - Cpu.FreeAt) < Window;
    }

    /// <summary>
    /// An event the thread watches becomes true at <paramref name="t"/> (a ring it polls, or an fd it
    /// waits on). Returns when the thread starts handling it; <paramref name="irqCost"/> is host
    /// interrupt work that runs first on this CPU (the drive's MSI-X handler), waking the CPU if it
    /// slept. Adapts the polling window by the time from going idle to handling the event.
    /// </summary>
    public SimTime Notice(SimTime t, SimSpan irqCost)
    {
        if (!Cpu.IdleAt(t))
        {
            // Busy: the handler loop (virtio_blk_handle_vq, aio_poll's next pass) picks it up afterwards.
            SimTime after = Cpu.Run(t, irqCost);
            return after;
        }

        SimTime idleFrom = Cpu.FreeAt;
        SimSpan idle = t - idleFrom;
        SimSpan window = Window;
        SimTime start;
        if (idle <= window)
        {
            // Polling: the next run_poll_handlers pass sees it (after the IRQ, if one lands here).
            Cpu.Spin(idle);
            SimTime seen = Cpu.Run(t, irqCost + _c.QemuPollIteration);
            start = seen;
            if (Cpu.Measuring)
            {
                PolledWakeups++;
            }
        }
        else
        {
            // Blocked in ppoll/epoll_wait since the window ended: the CPU slept; the event's interrupt
            // (the IRQ here, or the cross-CPU wake-up) pays the C-state exit, then the thread is woken
            // and dispatches the ready fd.
            Cpu.Spin(window);
            SimSpan exit = Cpu.Sleep(idleFrom + window, t);
            SimSpan wake = exit + irqCost + _cpu.ThreadWakeup + _c.QemuFdDispatch
                + (IoThread ? SimSpan.Zero : _c.QemuMainLoopIteration);
            start = Cpu.Run(t, wake);
            if (Cpu.Measuring)
            {
                SleepingWakeups++;
            }
        }

        PollNs = Adaptation.Adjust(PollNs, (start - idleFrom).Ns);
        return start;
    }
}
