namespace KvmLab.Plotting;

/// <summary>How `kvmlab plot` draws a table: lines over a numeric x, or bars per x category.</summary>
public enum PlotKind
{
    Line,
    Bar,
}
