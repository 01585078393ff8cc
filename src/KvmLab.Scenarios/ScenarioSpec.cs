using KvmLab.Engine.Time;
using KvmLab.Model.Guest;
using KvmLab.Model.Hardware;

namespace KvmLab.Scenarios;

/// <summary>A complete, validated description of one simulated run.</summary>
public sealed record ScenarioSpec
{
    public string Name { get; init; } = "scenario";

    public string? Description { get; init; }

    public ulong Seed { get; init; } = 1;

    public SimSpan Duration { get; init; } = SimSpan.FromMilliseconds(50);

    /// <summary>Samples before this time are discarded (warm-up: halt polling adapts, caches fill).</summary>
    public SimSpan Warmup { get; init; } = SimSpan.FromMilliseconds(1);

    public MachineSpec Machine { get; init; } = new();

    public string Profile { get; init; } = "skylake-sp-2020";

    /// <summary>Enabled feature ids (see FeatureCatalog); unlisted features are off.</summary>
    public IReadOnlyList<string> Features { get; init; } = [];

    /// <summary>The kvm module's halt_poll_ns (x86 default 200000).</summary>
    public SimSpan HaltPollMax { get; init; } = SimSpan.FromMicroseconds(200);

    /// <summary>The kvm module's lapic_timer_advance_ns: the initial advance (adaptive when the feature is on, else fixed).</summary>
    public SimSpan TimerAdvance { get; init; } = SimSpan.FromNanoseconds(1000);

    public IReadOnlyList<VmSpec> Vms { get; init; } = [];

    public required WorkloadSpec Workload { get; init; }

    /// <summary>
    /// Workloads other VMs run beside <see cref="Workload"/> (a VM's own <c>workload:</c> key): the
    /// overcommitted hosts of the sources run different benchmarks per VM. Their metrics are
    /// reported as <c>vm&lt;i&gt;.&lt;metric&gt;</c>; the run's length and primary metric stay the main workload's.
    /// </summary>
    public IReadOnlyList<WorkloadSpec> VmWorkloads { get; init; } = [];

    /// <summary>The main workload, then each VM's own.</summary>
    public IEnumerable<WorkloadSpec> AllWorkloads => VmWorkloads.Prepend(Workload);

    /// <summary>The file and key lines it was loaded from, for errors found later; null for a spec built in code. Not part of <see cref="ScenarioHash"/>.</summary>
    public ScenarioSource? Source { get; init; }
}

public sealed record VmSpec
{
    public int Vcpus { get; init; } = 2;

    /// <summary>Pin vCPU i to pCPU PinOffset + i.</summary>
    public bool Pin { get; init; }

    public int PinOffset { get; init; }

    public GuestConfig Guest { get; init; } = new();

    /// <summary>vCPU threads start at uniform random times below this (0: all at once).</summary>
    public SimSpan StartJitter { get; init; }
}

/// <summary>A workload by type, the VM it runs in, and its parameters (validated by the factory).</summary>
public sealed record WorkloadSpec
{
    public required string Type { get; init; }

    public int Vm { get; init; }

    public IReadOnlyDictionary<string, ScalarValue> Parameters { get; init; } = new Dictionary<string, ScalarValue>();

    /// <summary>Its key in the scenario file, for errors: <c>workload</c>, or <c>vms[i].workload</c> for a VM's own. Not part of the hash.</summary>
    public string Key { get; init; } = "workload";
}

/// <summary>A scalar from a scenario file with where it came from, for error messages.</summary>
public sealed record ScalarValue(string Text, int Line, IReadOnlyList<string>? Items = null);
