using KvmLab.Model.Hardware;
using KvmLab.Model.Hardware.ProfileFiles;

namespace KvmLab.Calibration.Fit;

/// <summary>A fit's profile as a profile file: every field with its value and source (measured, fitted from which entries, or estimate).</summary>
public static class FittedProfileFile
{
    /// <param name="baseId">The base the file names (default: the fit's prior); a prior read from a profile file passes that file's base, since the prior's own id need not be a known profile.</param>
    public static CalibratedProfile From(FitResult r, string id, string? baseId = null)
    {
        ArgumentNullException.ThrowIfNull(r);
        CostProfile p = r.Profile with
        {
            Id = id,
            Summary = $"{r.Profile.Summary}; costs fitted to {string.Join(", ", r.Catalog.Split(", ").Select(Path.GetFileName))}",
            Citation = $"{r.Profile.Citation}; fitted by kvmlab fit to {r.Catalog} (median leave-one-out error {r.LooMedianErrorPercent:0.0}%)" + (r.Transfer is { } t ? $"; {t}" : ""),
        };
        var fields = new List<FieldOrigin> { new("TscGhz", p.TscGhz, true, null, "") };
        foreach (CostField f in CostFields.All)
        {
            FieldSource s = p.SourceOf(f.Name);
            string note = s.Kind == SourceKind.Fitted && r.Transfer is { } tr ? $"{s.Detail} ({tr})" : s.Detail;
            fields.Add(new FieldOrigin(f.Name, f.Get(p).Ns, s.Kind == SourceKind.Measured, null, note) { Source = s.Label });
        }

        return new CalibratedProfile
        {
            Profile = p,
            BaseProfile = baseId ?? r.BaseProfile,
            Fields = fields,
            Measurements = new Dictionary<string, double>(),
            Environment = $"fit to {r.Catalog}",
        };
    }
}
