namespace KvmLab.Model.Hardware;

/// <summary>The physical machine a scenario runs on.</summary>
public sealed record MachineSpec
{
    public int Pcpus { get; init; } = 4;

    /// <summary>Host timer frequency (CONFIG_HZ); drives the CFS tick when a CPU is contended.</summary>
    public int HostHz { get; init; } = 250;

    /// <summary>
    /// nohz_full on every CPU: a CPU running one task stops its tick. Off (the default) is
    /// CONFIG_NO_HZ_IDLE: every busy CPU takes HostHz ticks, and a vCPU in guest mode exits for each.
    /// </summary>
    public bool NohzFull { get; init; }

    /// <summary>CPU-bound host threads (unpinned) competing with the vCPU threads.</summary>
    public int HostHogs { get; init; }
}
