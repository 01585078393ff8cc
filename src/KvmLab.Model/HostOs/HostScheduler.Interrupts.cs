using KvmLab.Engine.Time;
using KvmLab.Model.Hardware;
using KvmLab.Model.Invariants;

namespace KvmLab.Model.HostOs;

/// <summary>
/// Device interrupts on a pCPU (an MSI-X message from a drive, a VT-d wake-up vector): the handler
/// runs where the interrupt lands and its time is charged there. On an idle CPU the interrupt first
/// pays the idle state's exit latency and the CPU's time is the interrupt's (<see cref="PcpuTime.Interrupt"/>);
/// a thread the handler wakes on that CPU is then switched in without a wake-up IPI (the CPU is
/// awake). On a CPU running a thread the handler steals the thread's time
/// (<see cref="HostThread.OnHostInterrupt"/>). Handlers on one CPU run one after another
/// (arch/x86/kernel/irq.c common_interrupt: interrupts are off while a handler runs).
/// </summary>
public sealed partial class HostScheduler
{
    private const int KindIrqDone = 3;

    /// <summary>Thread ids of the pCPUs' interrupt tracks in the host's trace process.</summary>
    private const int IrqTrackBase = 1000;

    private Queue<PendingIrq>[]? _irqs;
    private SimTime[]? _irqFreeAt;
    private Engine.Tracing.TraceTrack[]? _irqTracks;

    /// <summary>Device interrupts taken so far (over every CPU).</summary>
    public long DeviceInterrupts { get; private set; }

    /// <summary>
    /// An interrupt reaches <paramref name="cpu"/> now; its handler runs for <paramref name="handler"/>
    /// and <paramref name="done"/> runs when it ends (the handler's effect: a wake-up, an eventfd signal).
    /// </summary>
    public void Interrupt(Pcpu cpu, SimSpan handler, string name, Action done)
    {
        ArgumentNullException.ThrowIfNull(cpu);
        ArgumentNullException.ThrowIfNull(done);
        _irqs ??= [.. _cpus.Select(_ => new Queue<PendingIrq>())];
        _irqFreeAt ??= new SimTime[_cpus.Length];
        if (_trace.Enabled && _irqTracks is null)
        {
            // A track of its own beside each pCPU's: a handler can outlast the thread it interrupted.
            _irqTracks = [.. _cpus.Select(c => new Engine.Tracing.TraceTrack(0, IrqTrackBase + c.Id))];
            foreach (Pcpu c in _cpus)
            {
                _trace.DefineTrack(_irqTracks[c.Id], "host", $"pCPU {c.Id} interrupts");
            }
        }

        SimTime now = _sim.Now;
        DeviceInterrupts++;
        SimTime start;
        if (cpu.IsIdle)
        {
            // The CPU leaves its idle state for the interrupt (intel_idle: the exit latency of the state it slept in).
            cpu.InInterrupt = true;
            cpu.Ledger.Enter((int)PcpuTime.Interrupt, now);
            SimTime from = SimTime.Max(now, _irqFreeAt[cpu.Id]);
            start = from + _costs.IdleExitLatency;
            if (_trace.Enabled)
            {
                _trace.Slice(_irqTracks![cpu.Id], "idle exit", "irq", from, _costs.IdleExitLatency);
            }
        }
        else
        {
            start = SimTime.Max(now, _irqFreeAt[cpu.Id]);
            if (!cpu.InInterrupt && cpu.Current is { } running)
            {
                running.OnHostInterrupt(handler);
            }
        }

        SimTime end = start + handler;
        _irqFreeAt[cpu.Id] = end;
        _irqs[cpu.Id].Enqueue(new PendingIrq(done, start, name));
        _sim.Schedule(end, this, KindIrqDone, cpu.Id);
    }

    /// <summary>A handler ended: its effect, then an idle CPU either switches to what it woke or goes back to idle.</summary>
    private void InterruptDone(Pcpu cpu)
    {
        PendingIrq irq = _irqs![cpu.Id].Dequeue();
        if (_trace.Enabled)
        {
            _trace.Slice(_irqTracks![cpu.Id], "irq: " + irq.Name, "irq", irq.Start, _sim.Now - irq.Start);
        }

        irq.Done();
        if (!cpu.InInterrupt || _irqs[cpu.Id].Count > 0)
        {
            return;
        }

        cpu.InInterrupt = false;
        if (cpu.RunQueue.QueuedCount > 0)
        {
            // irq_exit -> schedule(): the woken thread runs; the CPU is awake, so only ttwu and schedule() remain.
            BeginSwitch(cpu, _costs.ThreadWakeup);
        }
        else
        {
            cpu.Ledger.Enter((int)PcpuTime.Idle, _sim.Now);
        }
    }

    private readonly record struct PendingIrq(Action Done, SimTime Start, string Name);
}
