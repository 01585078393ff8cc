using System.Reflection;

namespace KvmLab.Scenarios.Workloads;

/// <summary>
/// Every workload declaration in this assembly, found once by reflection (concrete subclasses of
/// <see cref="WorkloadDeclaration"/> with a public parameterless constructor), in id order so that
/// listings and generators never depend on declaration order. No static registration: a
/// declaration is a plain class.
/// </summary>
public static class WorkloadRegistry
{
    public static IReadOnlyList<WorkloadDeclaration> All { get; } =
    [
        .. typeof(WorkloadRegistry).Assembly.GetTypes()
            .Where(t => t.IsSubclassOf(typeof(WorkloadDeclaration)) && !t.IsAbstract)
            .Select(t => (WorkloadDeclaration)Activator.CreateInstance(t)!)
            .OrderBy(d => d.Id, StringComparer.Ordinal),
    ];

    public static WorkloadDeclaration? Find(string id) => All.FirstOrDefault(d => d.Id == id);
}
