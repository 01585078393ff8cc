using KvmLab.Experiments.Catalog;

namespace KvmLab.Experiments;

/// <summary>Every experiment `kvmlab reproduce` knows, in TARGETS.md order.</summary>
public static class ExperimentCatalog
{
    public static IReadOnlyList<Experiment> All { get; } =
    [
        IpiFastpathUnittest.Create(),
        IpiFastpathBench.Create(),
    ];

    public static Experiment? Find(string id) => All.FirstOrDefault(e => e.Id == id);
}
