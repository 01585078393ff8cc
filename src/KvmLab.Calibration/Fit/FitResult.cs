using KvmLab.Model.Hardware;

namespace KvmLab.Calibration.Fit;

/// <summary>One catalog entry in a fit: measured, the fitted model's value, and the value predicted by a fit made without it.</summary>
public sealed record FitEntryRow(string Id, string Quantity, string Unit, double Measured, double Prior, double Fitted, double LeaveOneOut, bool IsBound, bool IsFixed = false)
{
    public double PriorErrorPercent => 100 * (Prior - Measured) / Measured;

    public double ErrorPercent => 100 * (Fitted - Measured) / Measured;

    /// <summary>(predicted by the fit without this entry - measured) / measured, in percent.</summary>
    public double LooErrorPercent => 100 * (LeaveOneOut - Measured) / Measured;
}

/// <summary>One cost field in a fit: its prior, its fitted value, its bounds and which entries inform it.</summary>
public sealed record FitFieldRow(string Field, double PriorNs, double FittedNs, double LowNs, double HighNs, bool Identified, IReadOnlyList<string> InformedBy, string? TogetherWith);

/// <summary>An entry the model cannot compute (left out of the fit), with why.</summary>
public sealed record SkippedEntry(string Id, string Quantity, string Why);

/// <summary>Everything `kvmlab fit` reports, and the fitted profile.</summary>
public sealed record FitResult
{
    public required string Catalog { get; init; }

    public required string BaseProfile { get; init; }

    public required CostProfile Profile { get; init; }

    public required IReadOnlyList<FitEntryRow> Entries { get; init; }

    public required IReadOnlyList<FitFieldRow> Fields { get; init; }

    public required IReadOnlyList<SkippedEntry> Skipped { get; init; }

    public required int SimulationRuns { get; init; }

    /// <summary>Set when another platform's entries were targets (a same-microarchitecture catalog): what carried over and why.</summary>
    public string? Transfer { get; init; }

    public double PriorMedianErrorPercent => Median(Entries.Where(e => !e.IsBound && !e.IsFixed).Select(e => Math.Abs(e.PriorErrorPercent)));

    public double MedianErrorPercent => Median(Entries.Where(e => !e.IsBound && !e.IsFixed).Select(e => Math.Abs(e.ErrorPercent)));

    /// <summary>The median over the fit entries of |leave-one-out error| (JSON: loo_median_error_percent).</summary>
    public double LooMedianErrorPercent => Median(Entries.Where(e => !e.IsBound && !e.IsFixed).Select(e => Math.Abs(e.LooErrorPercent)));

    private static double Median(IEnumerable<double> xs)
    {
        double[] a = [.. xs.Order()];
        return a.Length == 0 ? double.NaN : a.Length % 2 == 1 ? a[a.Length / 2] : (a[(a.Length / 2) - 1] + a[a.Length / 2]) / 2;
    }
}
