using KvmLab.Engine.Events;
using KvmLab.Engine.Random;
using KvmLab.Engine.Time;
using KvmLab.Engine.Tracing;
using KvmLab.Model.Hardware;
using KvmLab.Model.HostOs;
using ThreadState = KvmLab.Model.HostOs.ThreadState;

namespace KvmLab.Model.Tests.HostOs;

/// <summary>
/// Host code on the shared scheduler: work advances only while the thread has its CPU, a device
/// interrupt on that CPU steals the thread's time, a poll loop sees what it watches one pass
/// later and gives up after a wall-clock window (QEMU's run_poll_handlers reads the clock), and a
/// sleeping thread is woken through try_to_wake_up with its real cost.
/// </summary>
public class HostWorkerTests
{
    private static readonly CostProfile C = Profiles.SkylakeSp2020();

    private readonly HostContext _host = new(new Simulator(), C, new MachineSpec { Pcpus = 2 }, new RngStreams(1), NullTraceSink.Instance);

    private SimTime Now => _host.Sim.Now;

    private static SimTime At(double us) => SimTime.Zero + SimSpan.FromMicroseconds(us);

    private void RunTo(double us) => _host.Sim.RunUntil(At(us));

    /// <summary>A thread whose first activity the test gives it.</summary>
    private sealed class Script(HostContext host, int? cpu, Action<Script> first) : HostWorker(host, "script", cpu, (1000, "test"))
    {
        public void DoRun(SimSpan cost, Action then) => Run(cost, then);

        public void DoPoll(SimSpan window, SimSpan pass, Action seen, Action timeout) => Poll(window, pass, seen, timeout);

        public void DoPoke() => Poke();

        public void DoSleep(Action woken) => Sleep(woken);

        public void DoWake() => WakeUp();

        protected override void OnStarted() => first(this);
    }

    private Script Start(Action<Script> first, int cpu = 0)
    {
        var s = new Script(_host, cpu, first);
        s.Start();
        return s;
    }

    [Fact]
    public void Run_EndsAfterItsCost()
    {
        SimTime done = default;
        Start(s => s.DoRun(SimSpan.FromMicroseconds(5), () => done = Now));
        RunTo(50);
        Assert.Equal(At(5), done);
    }

    [Fact]
    public void DeviceInterrupt_OnItsCpu_StealsTheThreadsTime()
    {
        SimTime done = default;
        SimSpan handler = C.Storage.HostNvmeIrq;
        Start(s => s.DoRun(SimSpan.FromMicroseconds(5), () => done = Now));
        _host.Sim.Schedule(At(2), () => _host.Scheduler.Interrupt(_host.Pcpus[0], handler, "test", () => { }));
        RunTo(50);
        Assert.Equal(At(5) + handler, done);
    }

    [Fact]
    public void Poll_SeesAPokeOnePassLater_AndTimesOutOnTheWallClock()
    {
        SimSpan pass = C.Storage.QemuPollIteration;
        SimTime seen = default;
        SimTime gaveUp = default;
        Script s = Start(s => s.DoPoll(SimSpan.FromMicroseconds(4), pass, () =>
        {
            seen = Now;
            s.DoPoll(SimSpan.FromMicroseconds(4), pass, () => { }, () => gaveUp = Now);
        }, () => { }));
        _host.Sim.Schedule(At(3), s.DoPoke);

        // An interrupt during the second poll does not stretch its window: the loop reads the clock.
        _host.Sim.Schedule(At(4), () => _host.Scheduler.Interrupt(_host.Pcpus[0], SimSpan.FromMicroseconds(1), "test", () => { }));
        RunTo(50);
        Assert.Equal(At(3) + pass, seen);
        Assert.Equal(seen + SimSpan.FromMicroseconds(4), gaveUp);
        Assert.Equal(gaveUp - SimTime.Zero, s.PollTimeSoFar);
    }

    [Fact]
    public void Sleep_IsBlockedInTheScheduler_AndARemoteWakePaysIpiIdleExitAndWakeup()
    {
        SimTime woken = default;
        Script s = Start(s => s.DoSleep(() => woken = Now));
        RunTo(1);
        Assert.Equal(ThreadState.Sleeping, s.State);
        Assert.True(_host.Pcpus[0].IsIdle);

        _host.Sim.Schedule(At(10), s.DoWake);
        RunTo(50);
        Assert.Equal(At(10) + C.PhysicalIpiLatency + C.IdleExitLatency + C.ThreadWakeup, woken);
    }

    [Fact]
    public void Preempted_ItFreezes_AndResumesWhereItWas()
    {
        // Two threads on one CPU: the second runs at the first one's expense only when the tick
        // finds the first past its slice; the first's work still totals its cost on the CPU.
        SimTime done = default;
        Script a = Start(s => s.DoRun(SimSpan.FromMilliseconds(20), () =>
        {
            done = Now;
            s.DoSleep(() => { });
        }));
        Script b = Start(s => s.DoRun(SimSpan.FromMilliseconds(20), () => s.DoSleep(() => { })));
        RunTo(100_000);
        Assert.True(done > At(20_000), "the CPU was shared");

        // Its runtime is its work plus the host ticks its CPU took while it ran (each steals the handler's time).
        SimSpan ran = _host.Scheduler.RuntimeSoFar(a);
        Assert.InRange(ran.Ns, SimSpan.FromMilliseconds(20).Ns, (SimSpan.FromMilliseconds(20) + (C.HostTimerInterrupt * 10)).Ns);
        Assert.InRange(_host.Scheduler.RuntimeSoFar(b).Ns, SimSpan.FromMilliseconds(20).Ns, (SimSpan.FromMilliseconds(20) + (C.HostTimerInterrupt * 10)).Ns);
        _host.Invariants.Audit();
    }
}
