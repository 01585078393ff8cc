using KvmLab.Model.HostOs;

namespace KvmLab.Model.Qemu;

/// <summary>
/// One handler an AioContext watches (aio_set_event_notifier with an io_poll callback,
/// util/aio-posix.c): its event notifier, what io_poll would find in memory without the fd (the
/// avail ring, the Linux AIO ring, an NVMe completion queue), the io_poll_begin/io_poll_end hooks,
/// and the work it does when it is ready (io_read, or in QEMU 5.2 the io_poll callback itself).
/// </summary>
/// <param name="Notifier">The eventfd the handler reads when ppoll reports it readable.</param>
/// <param name="PollReady">io_poll: true when there is work visible in memory.</param>
/// <param name="Process">Handles what is ready, then runs its continuation (on the event loop's thread).</param>
/// <param name="PollBegin">io_poll_begin: polling starts (virtio turns the virtqueue's guest notifications off).</param>
/// <param name="PollEnd">io_poll_end: polling stops before the thread blocks (notifications back on).</param>
/// <param name="Bh">The work is a scheduled bottom half (aio_bh_poll runs it on every aio_poll, after
/// ppoll or polling, with notify_me already lowered), not an fd or io_poll handler: the loop never blocks while it is pending.</param>
public sealed record AioHandler(Eventfd Notifier, Func<bool> PollReady, Action<Action> Process, Action? PollBegin = null, Action? PollEnd = null, bool Bh = false);
