namespace KvmLab.Calibration;

/// <summary>A probe-shaped scenario for <see cref="Validator"/>: what it is, which probe measures it, the APIC mode.</summary>
public sealed record ValidationCase(string Name, string Probe, bool X2Apic);
