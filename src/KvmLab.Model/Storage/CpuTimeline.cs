using KvmLab.Engine.Time;

namespace KvmLab.Model.Storage;

/// <summary>
/// A pCPU dedicated to one thread (pinned vCPU, IOThread, main loop or host fio): work runs in
/// arrival order, each piece after the previous ends. Between pieces the CPU is idle; how (spinning
/// in a poll loop, or asleep in a C-state the menu governor picks) is decided by its owner when the
/// next event arrives, from when the idle period began. Busy and spin time are the CPU it burns.
/// </summary>
public sealed class CpuTimeline
{
    private readonly Func<bool> _measuring;

    public CpuTimeline(string name, int node, IReadOnlyList<IdleState> idleStates, Func<bool> measuring)
    {
        Name = name;
        Node = node;
        Menu = new MenuIdleGovernor(idleStates);
        _measuring = measuring;
    }

    public string Name { get; }

    public int Node { get; }

    public MenuIdleGovernor Menu { get; }

    /// <summary>When the work queued so far ends; the CPU is idle from then until new work arrives.</summary>
    public SimTime FreeAt { get; private set; }

    /// <summary>Running code (measured window only).</summary>
    public long BusyNs { get; private set; }

    /// <summary>Spinning in a poll loop (measured window only).</summary>
    public long SpinNs { get; private set; }

    public long SleepNs { get; private set; }

    public bool IdleAt(SimTime t) => t >= FreeAt;

    /// <summary>True inside the measured window (counters outside it are not reported).</summary>
    public bool Measuring => _measuring();

    /// <summary>Runs <paramref name="cost"/> of work that is ready at <paramref name="ready"/>; returns when it ends.</summary>
    public SimTime Run(SimTime ready, SimSpan cost)
    {
        SimTime start = SimTime.Max(ready, FreeAt);
        FreeAt = start + cost;
        if (_measuring())
        {
            BusyNs += cost.Ns;
        }

        return FreeAt;
    }

    public void Spin(SimSpan d)
    {
        if (_measuring() && d.Ns > 0)
        {
            SpinNs += d.Ns;
        }
    }

    /// <summary>
    /// The CPU slept from <paramref name="from"/> until an interrupt at <paramref name="wake"/>: the menu
    /// governor's state for this period (chosen from the history before it) sets the exit latency,
    /// and the period joins the history. Returns the exit latency.
    /// </summary>
    public SimSpan Sleep(SimTime from, SimTime wake)
    {
        IdleState s = Menu.Select();
        SimSpan slept = wake - from;
        Menu.Observe(slept);
        if (_measuring())
        {
            SleepNs += slept.Ns;
        }

        return s.ExitLatency;
    }
}
