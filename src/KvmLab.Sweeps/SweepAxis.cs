namespace KvmLab.Sweeps;

/// <summary>A grid axis: a path into the base scenario and the values it takes, in file order.</summary>
public sealed record SweepAxis(SweepPath Path, IReadOnlyList<SweepValue> Values, int Line);
