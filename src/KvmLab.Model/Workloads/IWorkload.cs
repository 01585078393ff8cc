namespace KvmLab.Model.Workloads;

/// <summary>A named result a workload reports, with its unit.</summary>
public readonly record struct WorkloadMetric(string Name, double Value, string Unit);

/// <summary>Something a scenario runs inside a VM: installs guest tasks and handlers, then reports.</summary>
public interface IWorkload
{
    string Id { get; }

    /// <summary>The metric experiments compare (for example "cycles_per_ipi").</summary>
    string PrimaryMetric { get; }

    void Install(HostContext host, Kvm.Vm vm);

    /// <summary>True when the workload has done all it was asked (the run may stop early).</summary>
    bool Finished { get; }

    IReadOnlyList<WorkloadMetric> Report(HostContext host);

    /// <summary>Lines in the format of the tool the workload imitates (empty if it has none).</summary>
    IReadOnlyList<string> Summary(HostContext host) => [];
}
