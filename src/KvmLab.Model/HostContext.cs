using KvmLab.Engine.Events;
using KvmLab.Engine.Random;
using KvmLab.Engine.Stats;
using KvmLab.Engine.Tracing;
using KvmLab.Model.Hardware;
using KvmLab.Model.HostOs;
using KvmLab.Model.Invariants;
using KvmLab.Model.Kvm;

namespace KvmLab.Model;

/// <summary>What every part of one simulated host shares: the clock, costs, scheduler, RNG, metrics and trace.</summary>
public sealed class HostContext
{
    public HostContext(Simulator sim, CostProfile costs, MachineSpec machine, RngStreams rng, ITraceSink trace)
        : this(sim, costs, machine, rng, trace, InvariantLevel.Full)
    {
    }

    /// <param name="checks">How much of the physics is checked as the run goes (<see cref="InvariantChecker"/>).</param>
    public HostContext(Simulator sim, CostProfile costs, MachineSpec machine, RngStreams rng, ITraceSink trace, InvariantLevel checks)
    {
        Sim = sim;
        Costs = costs;
        Machine = machine;
        Rng = rng;
        Trace = trace;
        Pcpus = [.. Enumerable.Range(0, machine.Pcpus).Select(i => new Pcpu(i, sim.Now))];
        Invariants = new InvariantChecker(this, checks);
        Scheduler = new HostScheduler(sim, costs, Pcpus, machine.HostHz, trace, rng.Get("host/placement"));
        if (trace.Enabled)
        {
            foreach (Pcpu p in Pcpus)
            {
                trace.DefineTrack(p.Track, "host", $"pCPU {p.Id}");
            }
        }
    }

    public Simulator Sim { get; }

    public CostProfile Costs { get; }

    public MachineSpec Machine { get; }

    public RngStreams Rng { get; }

    public ITraceSink Trace { get; }

    public IReadOnlyList<Pcpu> Pcpus { get; }

    public HostScheduler Scheduler { get; }

    /// <summary>The physics checks of this run.</summary>
    public InvariantChecker Invariants { get; }

    /// <summary>Every VM on this host, in creation order.</summary>
    public IReadOnlyList<Vm> Vms => _vms;

    private readonly List<Vm> _vms = [];

    internal void AddVm(Vm vm) => _vms.Add(vm);

    public MetricSet Metrics { get; } = new();

    /// <summary>Workloads record samples from this instant on (the end of the warm-up).</summary>
    public Engine.Time.SimTime MeasureFrom { get; set; }

    public bool Measuring => Sim.Now >= MeasureFrom;

    private int _nextThreadId;

    public int NextThreadId() => _nextThreadId++;
}
