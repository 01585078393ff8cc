namespace KvmLab.RealKvm.Probes;

/// <summary>A measurement of the real KVM through a tiny guest.</summary>
public interface IProbe
{
    /// <summary>exits, ipi, timer or notify.</summary>
    string Suite { get; }

    string Name { get; }

    string Description { get; }

    ProbeResult Run(ProbeContext ctx);
}
