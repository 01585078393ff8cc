using KvmLab.Calibration.Fit;

namespace KvmLab.Calibration.Pvm;

/// <summary>One probe in a PVM validation: measured, predicted by the profile as given, by the fit to this run, and by the fit made without this probe.</summary>
public sealed record ProbeValidationRow(string Probe, double MeasuredNs, double PredictedNs, double FittedNs, double LeaveOneOutNs, bool NoiseDominated)
{
    public double ErrorPercent => 100 * (PredictedNs - MeasuredNs) / MeasuredNs;

    public double FitErrorPercent => 100 * (FittedNs - MeasuredNs) / MeasuredNs;

    public double LooErrorPercent => 100 * (LeaveOneOutNs - MeasuredNs) / MeasuredNs;
}

/// <summary>
/// `kvmlab validate` on a PVM profile: every probe's predicted and measured median, the
/// leave-one-out prediction, and the medians of the absolute errors over the probes (JSON
/// `median_abs_error_percent` for the profile as given, `loo_median_error_percent` for leave-one-out).
/// </summary>
public sealed record PvmValidation
{
    public required string ProfileId { get; init; }

    public required string Measurements { get; init; }

    public required IReadOnlyList<ProbeValidationRow> Rows { get; init; }

    /// <summary>Probes measured but not compared (a median at or below zero, or no model), with why.</summary>
    public required IReadOnlyList<SkippedEntry> Skipped { get; init; }

    public required FitResult Fit { get; init; }

    public double MedianAbsErrorPercent => Median(Rows.Select(r => Math.Abs(r.ErrorPercent)));

    public double FitMedianAbsErrorPercent => Median(Rows.Select(r => Math.Abs(r.FitErrorPercent)));

    public double LooMedianErrorPercent => Median(Rows.Select(r => Math.Abs(r.LooErrorPercent)));

    /// <summary>The same median without the five noise-dominated CPL0 exit probes (docs/PVM.md 2.1).</summary>
    public double MedianAbsErrorPercentWithoutNoise => Median(Rows.Where(r => !r.NoiseDominated).Select(r => Math.Abs(r.ErrorPercent)));

    internal static double Median(IEnumerable<double> xs)
    {
        double[] a = [.. xs.Order()];
        return a.Length == 0 ? double.NaN : a.Length % 2 == 1 ? a[a.Length / 2] : (a[(a.Length / 2) - 1] + a[a.Length / 2]) / 2;
    }
}
