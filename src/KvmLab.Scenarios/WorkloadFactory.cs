using KvmLab.Model.Workloads;
using KvmLab.Scenarios.Workloads;

namespace KvmLab.Scenarios;

/// <summary>Turns a workload spec into a workload through its declaration (<see cref="WorkloadRegistry"/>), checking each parameter with its line.</summary>
public static class WorkloadFactory
{
    public static IReadOnlyList<string> Types { get; } = [.. WorkloadRegistry.All.Select(d => d.Id)];

    public static IReadOnlyList<string> ParametersOf(string type) => WorkloadRegistry.Find(type)?.Parameters.Select(p => p.Name).ToList() ?? [];

    public static string Describe(string type) => WorkloadRegistry.Find(type)?.Summary ?? "";

    /// <summary>The workload's declaration, or a file:key error naming the known types.</summary>
    public static WorkloadDeclaration Declaration(WorkloadSpec spec, string file = "<scenario>")
    {
        ArgumentNullException.ThrowIfNull(spec);
        return WorkloadRegistry.Find(spec.Type)
            ?? throw new ScenarioException($"{file}: {spec.Key}.type: unknown workload '{spec.Type}' (known: {string.Join(", ", Types)})");
    }

    public static IWorkload Create(WorkloadSpec spec, string file = "<scenario>")
    {
        WorkloadDeclaration d = Declaration(spec, file);
        return d.Create(new WorkloadArgs(d, spec.Parameters, file, spec.Key));
    }
}
