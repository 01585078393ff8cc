namespace KvmLab.Scenarios.Workloads;

/// <summary>Bounds the workload declarations share.</summary>
internal static class Limits
{
    /// <summary>A trillion iterations is years of simulated IPIs; the bound keeps loops x threads inside a long.</summary>
    public const long MaxIterations = 1_000_000_000_000;

    /// <summary>A vCPU number: below the largest VM.</summary>
    public const long MaxVcpu = ScenarioLimits.MaxVcpusPerVm - 1;
}
