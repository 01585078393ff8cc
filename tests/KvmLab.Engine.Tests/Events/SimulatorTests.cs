using KvmLab.Engine.Invariants;
using KvmLab.Engine.Events;
using KvmLab.Engine.Time;

namespace KvmLab.Engine.Tests.Events;

public class SimulatorTests
{
    /// <summary>Records (now, kind, arg) for each event it receives.</summary>
    private sealed class Recorder(Simulator sim) : IEventHandler
    {
        public List<(long Now, int Kind, long Arg)> Seen { get; } = [];

        public Action<int, long>? Then { get; set; }

        public void OnEvent(int kind, long arg)
        {
            Seen.Add((sim.Now.Ns, kind, arg));
            Then?.Invoke(kind, arg);
        }
    }

    [Fact]
    public void Events_RunInTimeThenInsertionOrder()
    {
        var sim = new Simulator();
        var rec = new Recorder(sim);
        var rng = new System.Random(7);
        var scheduled = new List<(long Time, long Index)>();
        for (int i = 0; i < 2000; i++)
        {
            long t = rng.Next(4) == 0 ? 500 : rng.Next(0, 1000); // many equal times
            sim.Schedule(new SimTime(t), rec, kind: 0, arg: i);
            scheduled.Add((t, i));
        }

        sim.RunUntil(SimTime.MaxValue);

        // A stable sort by time keeps insertion order among equal times.
        var expected = scheduled.OrderBy(s => s.Time).ToList();
        Assert.Equal(expected.Count, rec.Seen.Count);
        for (int i = 0; i < expected.Count; i++)
        {
            Assert.Equal(expected[i].Time, rec.Seen[i].Now);
            Assert.Equal(expected[i].Index, rec.Seen[i].Arg);
        }
    }

    [Fact]
    public void EventsScheduledForNowFromAHandler_RunAfterThoseAlreadyPendingAtThatTime()
    {
        var sim = new Simulator();
        var rec = new Recorder(sim);
        rec.Then = (kind, arg) =>
        {
            if (arg == 1)
            {
                sim.Schedule(sim.Now, rec, 0, 99);
            }
        };
        sim.Schedule(new SimTime(10), rec, 0, 1);
        sim.Schedule(new SimTime(10), rec, 0, 2);
        sim.Schedule(new SimTime(10), rec, 0, 3);

        sim.RunUntil(new SimTime(100));

        Assert.Equal([1L, 2L, 3L, 99L], rec.Seen.Select(s => s.Arg));
        Assert.All(rec.Seen, s => Assert.Equal(10, s.Now));
    }

    [Fact]
    public void Handler_ReceivesKindAndArg()
    {
        var sim = new Simulator();
        var rec = new Recorder(sim);
        sim.Schedule(new SimTime(3), rec, kind: 7, arg: long.MinValue);
        sim.ScheduleAfter(new SimSpan(5), rec, kind: -2, arg: long.MaxValue);

        sim.RunUntil(new SimTime(10));

        Assert.Equal([(3L, 7, long.MinValue), (5L, -2, long.MaxValue)], rec.Seen);
        Assert.Equal(2, sim.EventsProcessed); // counted whatever their kind
    }

    [Fact]
    public void Schedule_InThePast_Throws()
    {
        var sim = new Simulator();
        var rec = new Recorder(sim);
        sim.RunUntil(new SimTime(100));
        Assert.Equal(100, sim.Now.Ns);

        Assert.Throws<InvariantViolationException>(() => sim.Schedule(new SimTime(99), rec));
        Assert.Throws<InvariantViolationException>(() => sim.ScheduleAfter(new SimSpan(-1), rec));
        Assert.Throws<InvariantViolationException>(() => sim.Schedule(new SimTime(50), () => { }));
        Assert.Equal(0, sim.PendingEvents);

        sim.Schedule(new SimTime(100), rec); // now itself is allowed
        Assert.Equal(1, sim.PendingEvents);
    }

    [Fact]
    public void Schedule_InThePastFromAHandler_Throws()
    {
        var sim = new Simulator();
        Exception? caught = null;
        sim.Schedule(new SimTime(50), () =>
        {
            caught = Record.Exception(() => sim.Schedule(new SimTime(49), () => { }));
        });

        sim.RunUntil(new SimTime(100));

        Assert.IsType<InvariantViolationException>(caught);
    }

    [Fact]
    public void Schedule_NullHandler_Throws()
    {
        var sim = new Simulator();
        Assert.Throws<ArgumentNullException>(() => sim.Schedule(SimTime.Zero, (IEventHandler)null!));
    }

    [Fact]
    public void RunUntil_RunsEventsAtExactlyEnd_LeavesLaterOnesPending_AndContinues()
    {
        var sim = new Simulator();
        var rec = new Recorder(sim);
        sim.Schedule(new SimTime(10), rec, 0, 1);
        sim.Schedule(new SimTime(100), rec, 0, 2);
        sim.Schedule(new SimTime(100), rec, 0, 3);
        sim.Schedule(new SimTime(101), rec, 0, 4);
        sim.Schedule(new SimTime(250), rec, 0, 5);

        sim.RunUntil(new SimTime(100));

        Assert.Equal([1L, 2L, 3L], rec.Seen.Select(s => s.Arg));
        Assert.Equal(100, sim.Now.Ns);
        Assert.Equal(2, sim.PendingEvents);
        Assert.Equal(3, sim.EventsProcessed);

        sim.RunUntil(new SimTime(200));

        Assert.Equal([1L, 2L, 3L, 4L], rec.Seen.Select(s => s.Arg));
        Assert.Equal(200, sim.Now.Ns); // no event at 200: the clock still ends there
        Assert.Equal(1, sim.PendingEvents);

        sim.RunUntil(new SimTime(1000));

        Assert.Equal([1L, 2L, 3L, 4L, 5L], rec.Seen.Select(s => s.Arg));
        Assert.Equal([10L, 100L, 100L, 101L, 250L], rec.Seen.Select(s => s.Now));
        Assert.Equal(1000, sim.Now.Ns);
        Assert.Equal(0, sim.PendingEvents);
        Assert.Equal(5, sim.EventsProcessed);
    }

    [Fact]
    public void RunUntil_EmptyQueue_MovesClockToEnd()
    {
        var sim = new Simulator();
        Assert.Equal(SimTime.Zero, sim.Now);

        sim.RunUntil(new SimTime(12_345));

        Assert.Equal(12_345, sim.Now.Ns);
        Assert.Equal(0, sim.EventsProcessed);
    }

    [Fact]
    public void RunUntil_EarlierThanNow_DoesNotMoveClockBack()
    {
        var sim = new Simulator();
        sim.RunUntil(new SimTime(500));
        sim.RunUntil(new SimTime(100));
        Assert.Equal(500, sim.Now.Ns);
    }

    [Fact]
    public void Stop_StopsAfterTheCurrentEvent_AndRunUntilResumes()
    {
        var sim = new Simulator();
        var rec = new Recorder(sim);
        rec.Then = (kind, arg) =>
        {
            if (arg == 2)
            {
                sim.Stop();
            }
        };
        sim.Schedule(new SimTime(10), rec, 0, 1);
        sim.Schedule(new SimTime(20), rec, 0, 2);
        sim.Schedule(new SimTime(20), rec, 0, 3); // same time as the stopping event: still waits
        sim.Schedule(new SimTime(30), rec, 0, 4);

        sim.RunUntil(new SimTime(1000));

        Assert.Equal([1L, 2L], rec.Seen.Select(s => s.Arg));
        Assert.True(sim.StopRequested);
        Assert.Equal(20, sim.Now.Ns); // stopped early: the clock stays at the stopping event
        Assert.Equal(2, sim.PendingEvents);
        Assert.Equal(2, sim.EventsProcessed);

        sim.RunUntil(new SimTime(1000));

        Assert.False(sim.StopRequested);
        Assert.Equal([1L, 2L, 3L, 4L], rec.Seen.Select(s => s.Arg));
        Assert.Equal(1000, sim.Now.Ns);
        Assert.Equal(4, sim.EventsProcessed);
    }

    [Fact]
    public void Stop_BeforeRunUntil_DoesNotPreventTheRun()
    {
        var sim = new Simulator();
        int ran = 0;
        sim.Schedule(new SimTime(5), () => ran++);
        sim.Stop();

        sim.RunUntil(new SimTime(10));

        Assert.Equal(1, ran);
        Assert.Equal(10, sim.Now.Ns);
    }

    [Fact]
    public void EventsProcessed_CountsEveryEventHandled()
    {
        var sim = new Simulator();
        int ran = 0;
        for (int i = 0; i < 137; i++)
        {
            sim.Schedule(new SimTime(i % 13), () => ran++);
        }

        Assert.Equal(137, sim.PendingEvents);
        Assert.Equal(0, sim.EventsProcessed);

        sim.RunUntil(new SimTime(6));
        Assert.Equal(7 * 11, sim.EventsProcessed); // times 0..6, eleven events each (137 = 13*10 + 7)
        Assert.Equal(ran, sim.EventsProcessed);

        sim.RunUntil(new SimTime(100));
        Assert.Equal(137, sim.EventsProcessed);
        Assert.Equal(137, ran);
        Assert.Equal(0, sim.PendingEvents);
    }

    [Fact]
    public void ChainOfSelfScheduledEvents_AdvancesTheClock()
    {
        var sim = new Simulator();
        var times = new List<long>();
        void Tick()
        {
            times.Add(sim.Now.Ns);
            if (times.Count < 5)
            {
                sim.Schedule(sim.Now + new SimSpan(250), Tick);
            }
        }

        sim.Schedule(new SimTime(1), Tick);
        sim.RunUntil(new SimTime(10_000));

        Assert.Equal([1L, 251L, 501L, 751L, 1001L], times);
        Assert.Equal(5, sim.EventsProcessed);
    }
}
