using KvmLab.Engine.Events;
using KvmLab.Engine.Random;
using KvmLab.Engine.Time;
using KvmLab.Engine.Tracing;
using KvmLab.Model.Hardware;
using KvmLab.Model.HostOs;
using KvmLab.Model.Qemu;

namespace KvmLab.Model.Tests.Qemu;

/// <summary>
/// QEMU's AioContext as a host thread (util/aio-posix.c aio_poll, QEMU 5.2): with poll_ns 0 an
/// IOThread blocks in ppoll at once and an eventfd write wakes it through the scheduler (remote
/// wake-up: IPI, idle exit, ttwu), then the fd is read and its handler runs; the blocked time grows
/// the window from 0 to 4 us; within the window the thread spins and sees new work one
/// run_poll_handlers_once pass later, with the handlers' io_poll_begin in effect (virtio turns the
/// guest's notifications off) until it gives up and calls io_poll_end before blocking. The main
/// loop never polls and pays glib's iteration on every dispatch.
/// </summary>
public class QemuEventLoopTests
{
    private static readonly CostProfile C = Profiles.SkylakeSp2020();
    private static readonly StorageCosts S = C.Storage;

    private readonly HostContext _host = new(new Simulator(), C, new MachineSpec { Pcpus = 2 }, new RngStreams(1), NullTraceSink.Instance);
    private readonly Eventfd _fd = new("test");
    private readonly Queue<int> _work = new();
    private readonly List<SimTime> _handled = [];
    private bool _pollStarted;

    private static SimTime At(double us) => SimTime.Zero + SimSpan.FromMicroseconds(us);

    private QemuEventLoop Start(bool ioThread)
    {
        var loop = new QemuEventLoop(_host, "loop", 1, ioThread, new AioPollAdaptation(AioPollAdaptation.IoThreadDefaultMaxNs), pollForever: false);
        loop.AddHandler(new AioHandler(_fd, () => _work.Count > 0, then =>
        {
            while (_work.TryDequeue(out _))
            {
                _handled.Add(_host.Sim.Now);
            }

            then();
        }, () => _pollStarted = true, () => _pollStarted = false));
        loop.Start();
        return loop;
    }

    /// <summary>Work appears at <paramref name="us"/> and its notifier is signalled (an ioeventfd, an AIO completion).</summary>
    private void WorkAt(double us, QemuEventLoop loop) => _host.Sim.Schedule(At(us), () =>
    {
        _work.Enqueue(1);
        _fd.Signal();
        loop.PollReadyChanged();
    });

    [Fact]
    public void Blocked_AnEventfdWakesIt_ThroughTheScheduler_ThenTheFdIsRead()
    {
        QemuEventLoop loop = Start(ioThread: true);
        WorkAt(10, loop);
        _host.Sim.RunUntil(At(30));

        Assert.Equal([At(10) + C.PhysicalIpiLatency + C.IdleExitLatency + C.ThreadWakeup + S.QemuFdDispatch], _handled);
        Assert.Equal(0, _fd.Count);
        Assert.Equal(4000, loop.PollNs); // a block below poll-max-ns grows the window from 0: "start polling at 4 microseconds"
    }

    [Fact]
    public void WithinTheWindow_ItSpins_AndSeesWorkOnePassLater_WithNotificationsOff()
    {
        QemuEventLoop loop = Start(ioThread: true);
        WorkAt(10, loop);
        _host.Sim.RunUntil(At(14.5)); // handled at 13.8 us; polling from then for 4 us
        Assert.True(loop.Polling);
        Assert.True(_pollStarted);

        WorkAt(15, loop);
        _host.Sim.RunUntil(At(40));
        Assert.Equal(At(15) + S.QemuPollIteration, _handled[1]);
        Assert.False(_pollStarted); // it polled 4 us more, found nothing, ended polling and blocked
        Assert.True(loop.Sleeping);
    }

    [Fact]
    public void MainLoop_NeverPolls_AndPaysGlibOnEveryDispatch()
    {
        QemuEventLoop loop = Start(ioThread: false);
        WorkAt(10, loop);
        WorkAt(20, loop);
        _host.Sim.RunUntil(At(40));

        SimSpan wake = C.PhysicalIpiLatency + C.IdleExitLatency + C.ThreadWakeup + S.QemuMainLoopIteration + S.QemuFdDispatch;
        Assert.Equal([At(10) + wake, At(20) + wake], _handled);
        Assert.Equal(0, loop.PollNs);
        Assert.Equal(SimSpan.Zero, loop.PollTimeSoFar);
        Assert.False(_pollStarted);
    }

    [Fact]
    public void AnFdSignalledWhilePolling_IsReadWhenPollingEnds_WithoutSleeping()
    {
        // Polling handled the work but left its eventfd signalled; when the window ends ppoll
        // returns at once, the fd is read (its handler finds nothing), and only then the thread sleeps.
        QemuEventLoop loop = Start(ioThread: true);
        WorkAt(10, loop);
        WorkAt(15, loop);
        _host.Sim.RunUntil(At(18));
        Assert.Equal(2, _handled.Count);
        Assert.Equal(1, _fd.Count);
        Assert.True(loop.Polling);

        _host.Sim.RunUntil(At(40));
        Assert.Equal(2, _handled.Count);
        Assert.Equal(0, _fd.Count);
        Assert.Equal(1, loop.PolledWakeups);
        Assert.Equal(2, loop.FdWakeups); // the wake-up at 10 us and the leftover read
        _host.Invariants.Audit();
    }
}
