using KvmLab.Engine.Invariants;
using KvmLab.Engine.Time;

namespace KvmLab.Engine.Events;

/// <summary>
/// The event kernel: simulated time, the pending-event queue and the run loop. Single-threaded
/// by design (ARCHITECTURE.md, "Determinism"): parallelism is only ever across runs.
/// </summary>
public sealed class Simulator
{
    private readonly EventQueue _queue = new();
    private long _nextSeq;
    private bool _stopRequested;

    public SimTime Now { get; private set; }

    /// <summary>Events handed to their handlers so far (stale timer firings included).</summary>
    public long EventsProcessed { get; private set; }

    public int PendingEvents => _queue.Count;

    public bool StopRequested => _stopRequested;

    public void Schedule(SimTime at, IEventHandler handler, int kind = 0, long arg = 0)
    {
        ArgumentNullException.ThrowIfNull(handler);
        if (at.Ns < Now.Ns)
        {
            // Causality: an event in the past would rewrite history the run already reported.
            throw new InvariantViolationException("no-event-in-the-past", handler.GetType().Name, Now, $"an event was scheduled at {at.Ns} ns, {Now.Ns - at.Ns} ns before now");
        }

        _queue.Enqueue(at.Ns, _nextSeq++, handler, kind, arg);
    }

    public void ScheduleAfter(SimSpan delay, IEventHandler handler, int kind = 0, long arg = 0) =>
        Schedule(Now + delay, handler, kind, arg);

    /// <summary>Convenience for rare events and tests: allocates a wrapper per call.</summary>
    public void Schedule(SimTime at, Action action) => Schedule(at, new ActionHandler(action));

    /// <summary>
    /// Runs events in (time, sequence) order until the queue is empty, the next event lies after
    /// <paramref name="end"/>, or <see cref="Stop"/> is called. On a normal finish the clock is
    /// left at <paramref name="end"/>; events at exactly <paramref name="end"/> do run.
    /// </summary>
    public void RunUntil(SimTime end)
    {
        _stopRequested = false;
        while (!_stopRequested)
        {
            if (!_queue.TryDequeue(end.Ns, out long time, out IEventHandler handler, out int kind, out long arg))
            {
                break;
            }

            Now = new SimTime(time);
            EventsProcessed++;
            handler.OnEvent(kind, arg);
        }

        if (!_stopRequested && end.Ns > Now.Ns)
        {
            Now = end;
        }
    }

    /// <summary>Stops the run loop after the current event returns.</summary>
    public void Stop() => _stopRequested = true;

    private sealed class ActionHandler(Action action) : IEventHandler
    {
        public void OnEvent(int kind, long arg) => action();
    }
}
