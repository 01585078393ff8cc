using YamlDotNet.RepresentationModel;

namespace KvmLab.Sweeps;

/// <summary>
/// One value of a grid axis: the YAML node put at the axis's path, its canonical text (what the
/// point id hashes), an optional label (what the results table shows), and its line in the sweep file.
/// </summary>
public sealed record SweepValue(YamlNode Node, string Canonical, string? Label, int Line)
{
    /// <summary>The cell in the results table: the label when given, else the canonical text.</summary>
    public string Display => Label ?? Canonical;
}
