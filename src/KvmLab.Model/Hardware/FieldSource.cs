namespace KvmLab.Model.Hardware;

/// <summary>Where a cost's value comes from (issue 13): measured, fitted from catalog entries, or a reasoned estimate.</summary>
public enum SourceKind
{
    /// <summary>A first-principles estimate from the code path (docs/MODEL.md gives the reasoning).</summary>
    Estimate,

    /// <summary>Measured: a published table or manual value, a probe on this machine.</summary>
    Measured,

    /// <summary>Fitted to catalog entries (the entries named in <see cref="FieldSource.Detail"/>).</summary>
    Fitted,
}

/// <summary>One field's provenance: its kind and the detail (where measured, which entries, or the estimate's reasoning).</summary>
public sealed record FieldSource(SourceKind Kind, string Detail)
{
    public static FieldSource Estimate(string why) => new(SourceKind.Estimate, why);

    public static FieldSource Measured(string where) => new(SourceKind.Measured, where);

    public static FieldSource Fitted(string entries) => new(SourceKind.Fitted, entries);

    public string Label => Kind switch
    {
        SourceKind.Measured => "measured",
        SourceKind.Fitted => "fitted",
        _ => "estimate",
    };
}
