namespace KvmLab.Calibration.Sensitivity;

/// <summary>A scenario's metric and its elasticity to every cost field, largest first.</summary>
public sealed record SensitivityResult(string Scenario, string Metric, string Unit, double Value, string Profile, IReadOnlyList<Elasticity> Fields);
