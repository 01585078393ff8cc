using KvmLab.Engine.Events;
using KvmLab.Engine.Time;
using KvmLab.Engine.Tracing;

namespace KvmLab.Model.HostOs;

/// <summary>
/// A host thread that runs host code — QEMU's main loop or an IOThread, fio on bare metal — as a
/// chain of activities, like <see cref="Guest.GuestCpu"/> for guest code: run for a while, poll
/// (spin on its CPU until something it watches becomes true, or a window ends), sleep (blocked
/// in the scheduler until woken). Activities advance only while the thread has its CPU: preempted,
/// it freezes and resumes where it was; a device interrupt or the host tick on its CPU steals its
/// time. Its track in a trace shows running, polling and sleeping.
/// </summary>
public abstract class HostWorker : HostThread, IEventHandler
{
    private const int KindRunDone = 1;
    private const int KindPollTimeout = 2;
    private const int KindPollSeen = 3;

    private readonly TraceTrack _track;
    private Activity _act;
    private long _remainingNs;
    private SimTime _since;
    private Action? _then;
    private Action? _onTimeout;
    private SimSpan _passCost;
    private SimTime _pollDeadline;
    private SimTime _pollSince;
    private SimTime _stolenUntil;
    private bool _poked;
    private bool _started;
    private bool _sleepOnSchedIn;
    private long _gen;
    private string _label = "";
    private SimTime _labelSince;
    private SimSpan _pollTime;

    /// <param name="traceProcess">The trace process the thread's track belongs to (with its name).</param>
    protected HostWorker(HostContext host, string name, int? pinnedCpu, (int Id, string Name) traceProcess)
        : base(name, host.NextThreadId())
    {
        ArgumentNullException.ThrowIfNull(host);
        Host = host;
        PinnedCpu = pinnedCpu;
        _track = new TraceTrack(traceProcess.Id, Id);
        if (host.Trace.Enabled)
        {
            host.Trace.DefineTrack(_track, traceProcess.Name, name);
        }
    }

    private enum Activity
    {
        None,
        Run,
        Poll,
        Sleep,
    }

    protected HostContext Host { get; }

    /// <summary>True while the thread spins in <see cref="Poll"/>.</summary>
    public bool Polling => _act == Activity.Poll;

    /// <summary>True while the thread sleeps in <see cref="Sleep"/> (blocked in ppoll, io_getevents...).</summary>
    public bool Sleeping => _act == Activity.Sleep;

    /// <summary>Time spent polling so far, the open poll included.</summary>
    public SimSpan PollTimeSoFar => _pollTime + (_act == Activity.Poll && OnCpu ? Host.Sim.Now - _pollSince : SimSpan.Zero);

    private bool OnCpu => State == ThreadState.Running;

    /// <summary>Starts the thread (it runs <see cref="OnStarted"/> when it first gets its CPU).</summary>
    public void Start() => Host.Scheduler.Start(this);

    /// <summary>What the thread does first, on its CPU.</summary>
    protected abstract void OnStarted();

    /// <summary>Runs <paramref name="cost"/> of CPU time (labelled in the trace), then <paramref name="then"/>.</summary>
    protected void Run(SimSpan cost, Action then, string label = "running")
    {
        _act = Activity.Run;
        _remainingNs = cost.Ns;
        _then = then;
        Label(label);
        if (OnCpu)
        {
            StartRun();
        }
    }

    /// <summary>
    /// Spins: when something the poll watches becomes true (<see cref="Poke"/>) it is seen at the end of
    /// the next pass of <paramref name="passCost"/>, and <paramref name="onSeen"/> runs; when
    /// <paramref name="window"/> of wall-clock time passes first (the poll loop reads the clock, so
    /// stolen time counts), <paramref name="onTimeout"/> runs. A window of <see cref="SimTime.MaxValue"/>
    /// length (<see cref="Forever"/>) never ends.
    /// </summary>
    protected void Poll(SimSpan window, SimSpan passCost, Action onSeen, Action onTimeout)
    {
        _act = Activity.Poll;
        _passCost = passCost;
        _then = onSeen;
        _onTimeout = onTimeout;
        _poked = false;
        _pollDeadline = window == Forever ? SimTime.MaxValue : Host.Sim.Now + window;
        Label("polling");
        if (OnCpu)
        {
            StartPoll();
        }
    }

    /// <summary>A poll window without an end (a poller integrated into a busy loop).</summary>
    public static SimSpan Forever { get; } = new(long.MaxValue);

    /// <summary>Something the thread polls for became true; ignored unless it polls (a running or sleeping thread looks when it comes round).</summary>
    protected void Poke()
    {
        if (_act != Activity.Poll || _poked)
        {
            return;
        }

        _poked = true;
        if (OnCpu)
        {
            SchedulePass();
        }
    }

    /// <summary>Blocks the thread (schedule() with TASK_INTERRUPTIBLE); <paramref name="onWake"/> runs when it has its CPU again.</summary>
    protected void Sleep(Action onWake)
    {
        _act = Activity.Sleep;
        _then = onWake;
        if (!OnCpu)
        {
            // Preempted on the way to sleep (a wake-up it sent preempted it): it calls schedule() when it is back.
            _sleepOnSchedIn = true;
            return;
        }

        Label("sleeping");
        Host.Scheduler.Block(this);
    }

    /// <summary>try_to_wake_up for a thread in <see cref="Sleep"/> (its wait queue's wake-up); nothing otherwise.</summary>
    protected void WakeUp()
    {
        if (_act != Activity.Sleep)
        {
            return;
        }

        if (State == ThreadState.Sleeping)
        {
            Host.Scheduler.Wake(this);
        }
        else
        {
            _sleepOnSchedIn = false; // woken before it slept: it goes on when it is back on its CPU
        }
    }

    protected internal override void OnScheduledIn(SimTime now)
    {
        if (!_started)
        {
            _started = true;
            OnStarted();
            return;
        }

        switch (_act)
        {
            case Activity.Sleep when _sleepOnSchedIn:
                _sleepOnSchedIn = false;
                Label("sleeping");
                Host.Scheduler.Block(this);
                break;
            case Activity.Sleep:
                _act = Activity.None;
                Label("running");
                TakeThen()();
                break;
            case Activity.Run:
                Label(_label == "preempted" ? "running" : _label);
                StartRun();
                break;
            case Activity.Poll:
                Label("polling");
                StartPoll();
                break;
            case Activity.None:
                break; // preempted between activities: the continuation that preempted it set the next one
        }
    }

    protected internal override void OnReschedRequested(SimTime now)
    {
        if (State != ThreadState.Running)
        {
            return;
        }

        // A user-space thread (or one about to return to it) is preempted at once by the reschedule IPI.
        string label = _label;
        Freeze();
        Label("preempted");
        if (!Host.Scheduler.Preempt(this))
        {
            Label(label);
            Resume();
        }
    }

    protected internal override void OnHostTick() => OnHostInterrupt(Host.Costs.HostTimerInterrupt);

    protected internal override void OnHostInterrupt(SimSpan handler)
    {
        if (!OnCpu)
        {
            return;
        }

        switch (_act)
        {
            case Activity.Run:
                Freeze();
                _remainingNs += handler.Ns;
                StartRun();
                break;
            case Activity.Poll:
                _stolenUntil = SimTime.Max(Host.Sim.Now, _stolenUntil) + handler;
                if (_poked)
                {
                    Freeze();
                    StartPoll();
                }

                break;
            default:
                break;
        }
    }

    void IEventHandler.OnEvent(int kind, long arg)
    {
        if (arg != _gen)
        {
            return;
        }

        switch (kind)
        {
            case KindRunDone:
                _act = Activity.None;
                TakeThen()();
                break;
            case KindPollSeen:
                EndPoll();
                TakeThen()();
                break;
            case KindPollTimeout:
                if (!_poked)
                {
                    // The last pass found nothing (poll_set_started(false)'s final check included).
                    Action t = _onTimeout!;
                    EndPoll();
                    _then = null;
                    t();
                }

                break;
            default:
                throw new InvalidOperationException($"Unknown host-thread event {kind}.");
        }
    }

    /// <summary>Closes the open trace span at the end of a run.</summary>
    public void FinishTrace()
    {
        SimTime now = Host.Sim.Now;
        if (Host.Trace.Enabled && _label.Length > 0 && now > _labelSince)
        {
            Host.Trace.Slice(_track, _label, "host-thread", _labelSince, now - _labelSince);
            _labelSince = now;
        }
    }

    private void StartRun()
    {
        _since = Host.Sim.Now;
        _gen++;
        Host.Sim.Schedule(_since + new SimSpan(Math.Max(0, _remainingNs)), this, KindRunDone, _gen);
    }

    private void StartPoll()
    {
        _pollSince = Host.Sim.Now;
        _gen++;
        if (_pollDeadline != SimTime.MaxValue)
        {
            Host.Sim.Schedule(SimTime.Max(Host.Sim.Now, _pollDeadline), this, KindPollTimeout, _gen);
        }

        if (_poked)
        {
            SchedulePass();
        }
    }

    private void SchedulePass() =>
        Host.Sim.Schedule(SimTime.Max(Host.Sim.Now, _stolenUntil) + _passCost, this, KindPollSeen, _gen);

    /// <summary>Stops the running activity's clock (its pending completion is dropped); <see cref="Resume"/> restarts it.</summary>
    private void Freeze()
    {
        _gen++;
        SimTime now = Host.Sim.Now;
        if (_act == Activity.Run)
        {
            _remainingNs -= (now - _since).Ns;
        }
        else if (_act == Activity.Poll)
        {
            _pollTime += now - _pollSince;
            _pollSince = now;
        }
    }

    private void Resume()
    {
        if (_act == Activity.Run)
        {
            StartRun();
        }
        else if (_act == Activity.Poll)
        {
            StartPoll();
        }
    }

    private void EndPoll()
    {
        _act = Activity.None;
        _pollTime += Host.Sim.Now - _pollSince;
        _onTimeout = null;
        _poked = false;
    }

    private Action TakeThen()
    {
        Action t = _then ?? throw new InvalidOperationException($"{Name} has no continuation.");
        _then = null;
        return t;
    }

    /// <summary>Names what the thread does from now on its trace track (a span per change of name).</summary>
    private void Label(string label)
    {
        if (label == _label)
        {
            return;
        }

        SimTime now = Host.Sim.Now;
        if (Host.Trace.Enabled && _label.Length > 0 && now > _labelSince)
        {
            Host.Trace.Slice(_track, _label, "host-thread", _labelSince, now - _labelSince);
        }

        _label = label;
        _labelSince = now;
    }
}
