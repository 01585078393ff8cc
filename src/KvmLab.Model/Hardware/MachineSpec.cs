namespace KvmLab.Model.Hardware;

/// <summary>The physical machine a scenario runs on.</summary>
public sealed record MachineSpec
{
    public int Pcpus { get; init; } = 4;

    /// <summary>Host timer frequency (CONFIG_HZ); drives the CFS tick when a CPU is contended.</summary>
    public int HostHz { get; init; } = 250;

    /// <summary>CPU-bound host threads (unpinned) competing with the vCPU threads.</summary>
    public int HostHogs { get; init; }
}
