using KvmLab.Experiments.Catalog;

namespace KvmLab.Experiments;

/// <summary>Every experiment `kvmlab reproduce` knows, in TARGETS.md order.</summary>
public static class ExperimentCatalog
{
    public static IReadOnlyList<Experiment> All { get; } =
    [
        IpiFastpathUnittest.Create(),
        IpiFastpathBench.Create(),
        AvicMulticast.Create(),
        AvicMulticast.CreateHackbench(),
        TimerFastpathCyclictest.Create(),
        PassthroughTimer.Create(),
        ExitlessPvIpi.Create(),
        ExitlessPvIpi.CreateSingleIpi(),
        OvercommitBoost.Create(1),
        OvercommitBoost.Create(2),
        OvercommitBoost.Create(3),
        PleExcess.Create(),
        NvmeQd1Ladder.Create(),
    ];

    public static Experiment? Find(string id) => All.FirstOrDefault(e => e.Id == id);

    /// <summary>The experiment with this id and its parts ("avic-multicast" also names "avic-multicast.hackbench").</summary>
    public static IReadOnlyList<Experiment> Matching(string id) =>
        [.. All.Where(e => e.Id == id || e.Id.StartsWith(id + ".", StringComparison.Ordinal))];

    /// <summary>Every experiment id.</summary>
    public static IReadOnlyList<string> AllIds => [.. All.Select(e => e.Id)];
}
