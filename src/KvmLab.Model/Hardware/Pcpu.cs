using KvmLab.Engine.Time;
using KvmLab.Engine.Tracing;
using KvmLab.Model.Invariants;
using KvmLab.Model.HostOs;

namespace KvmLab.Model.Hardware;

/// <summary>A physical CPU (hardware thread): what it runs now, and its CFS run queue.</summary>
public sealed class Pcpu
{
    public Pcpu(int id)
        : this(id, SimTime.Zero)
    {
    }

    /// <param name="start">When the CPU's time ledger starts (the run's start).</param>
    public Pcpu(int id, SimTime start)
    {
        Id = id;
        Ledger = new TimeLedger(Enum.GetValues<PcpuTime>().Length, (int)PcpuTime.Idle, start);
        RunQueue = new CfsRunQueue(this);
        Track = new TraceTrack(0, id);
    }

    public int Id { get; }

    public CfsRunQueue RunQueue { get; }

    public TraceTrack Track { get; }

    /// <summary>Where this CPU's time went (idle, switching, interrupt, running), for the conservation checks.</summary>
    public TimeLedger Ledger { get; }

    /// <summary>The thread on the CPU, or null when idle (or mid context switch).</summary>
    public HostThread? Current { get; internal set; }

    /// <summary>True while a context switch or an idle exit is under way on this CPU.</summary>
    public bool Switching { get; internal set; }

    /// <summary>True while a device interrupt runs on this CPU with no thread on it (woken from idle for it).</summary>
    public bool InInterrupt { get; internal set; }

    public bool IsIdle => Current is null && !Switching && !InInterrupt;

    /// <summary>The thread schedule() picked when a switch began, taken when it completes.</summary>
    internal HostThread? ChosenNext { get; set; }
}
