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
        Invariants.ProfileIsValid(costs);
        // The host's jiffy boundaries fall at a random phase against the run (when it booted).
        var phase = Engine.Time.SimSpan.FromNanoseconds(rng.Get("host/tick").NextDouble() * 1e9 / machine.HostHz);
        // CpuTopology refuses a machine whose pCPUs do not split into its sockets and cores.
        Scheduler = new HostScheduler(sim, costs, Pcpus, machine.HostHz, trace, rng.Get("host/placement"),
            machine.NohzFull ? HostTickMode.NohzFull(phase) : HostTickMode.NohzIdle(phase),
            machine.LoadBalance ? new SchedDomains(machine.Topology) : null);
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

    /// <summary>How often a run yields between events: a workload that is done ends the run, and Full checks audit.</summary>
    public static readonly Engine.Time.SimSpan Slice = Engine.Time.SimSpan.FromMicroseconds(500);

    /// <summary>
    /// Runs the simulation in <see cref="Slice"/>s until <paramref name="end"/> or until
    /// <paramref name="finished"/> says the workload is done; at Full checks every slice ends with
    /// an audit. Closes every VM's open spans and audits once more at the end.
    /// </summary>
    public void RunUntil(Engine.Time.SimTime end, Func<bool> finished, Action<Engine.Time.SimTime>? afterSlice = null)
    {
        bool audit = Invariants.Level == InvariantLevel.Full;
        while (Sim.Now < end && !finished())
        {
            Sim.RunUntil(Engine.Time.SimTime.Min(Sim.Now + Slice, end));
            if (audit)
            {
                Invariants.Audit();
            }

            afterSlice?.Invoke(Sim.Now);
        }

        foreach (Vm vm in _vms)
        {
            vm.Finish();
        }

        Invariants.Audit();
    }
}
