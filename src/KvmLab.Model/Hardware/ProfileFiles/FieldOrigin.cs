namespace KvmLab.Model.Hardware.ProfileFiles;

/// <summary>Where one cost-profile field's value came from: a probe (and how) or the base profile.</summary>
public sealed record FieldOrigin(string Field, double Ns, bool Measured, string? Probe, string Note)
{
    /// <summary>measured, fitted, estimate or inherited (what the profile file's "source" says).</summary>
    public string Source { get; init; } = Measured ? "measured" : "inherited";
}
