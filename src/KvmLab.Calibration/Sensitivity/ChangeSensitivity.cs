using KvmLab.Model.Hardware;
using MathNet.Numerics.Distributions;
using KvmLab.Scenarios;

namespace KvmLab.Calibration.Sensitivity;

/// <summary>
/// "What would it take" for a row judged on a published change (issue 14, item 8): how the
/// model's change between two variants moves with each cost field, and how far each field alone
/// would have to move to reach the published change. Both variants are run with the same field
/// scaled by (1 - h) and (1 + h) and the same seed (common random numbers); the slope is the
/// change in points per unit relative change of the field, and the factor needed is the linear
/// extrapolation 1 + (published - model) / slope. It answers which cost or mechanism would have to
/// be how large; whether a source allows that is read from the field's provenance: a measured
/// cost cannot move, a fitted one within its fit's error, an estimate within the x/4..x4 band the fit gives estimates. Tuning a cost
/// to the published value is exactly what this must not be used for: it marks findings.
/// </summary>
public static class ChangeSensitivity
{
    /// <summary>The band the fit allows an estimated cost (CostFit: log factors within x/4..x4).</summary>
    public const double EstimateBand = 4;

    /// <summary>How far a measured cost may move: the spread of repeated measurements is a few percent.</summary>
    public const double MeasuredSlack = 0.05;

    /// <summary>How far a fitted cost may move: the fits' leave-one-out errors stay within 15-25%.</summary>
    public const double FittedSlack = 0.25;

    /// <param name="published">The published change in percent, or null to rank only.</param>
    /// <param name="replications">
    /// Replications per variant and scaled profile (replication r of every run on the same stream:
    /// common random numbers, so the -h/+h differences are paired). One reads a single seed; a row
    /// whose runs are bimodal needs several, or every slope is a jump between modes.
    /// </param>
    public static ChangeSensitivityResult Run(
        string row, ScenarioSpec baseline, ScenarioSpec optimized, string metric, double? published,
        CostProfile? profile = null, int jobs = 1, Action<int, int>? progress = null, int replications = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(replications, 1);
        ArgumentNullException.ThrowIfNull(baseline);
        ArgumentNullException.ThrowIfNull(optimized);
        CostProfile p = profile ?? Profiles.Find(optimized.Profile) ?? throw new ScenarioException($"unknown cost profile '{optimized.Profile}'");
        double c0 = Change(baseline, optimized, metric, p, replications);
        ChangeElasticity[] results = SensitivityAnalysis.OverFields(p, jobs, progress, f =>
        {
            double step = SensitivityAnalysis.Step;
            var low = Runs(baseline, optimized, metric, SensitivityAnalysis.Scaled(p, f, 1 - step), replications);
            var high = Runs(baseline, optimized, metric, SensitivityAnalysis.Scaled(p, f, 1 + step), replications);
            double lo = ChangeOfMeans(low.B, low.O), hi = ChangeOfMeans(high.B, high.O);
            double slope = (hi - lo) / (2 * step);
            double slopeCi = SlopeCi95(low, high, step);
            FieldSource source = p.SourceOf(f.Name);
            double? factor = published is { } target && slope != 0 && double.IsFinite(slope) ? 1 + ((target - c0) / slope) : null;
            ReachVerdict verdict = double.IsFinite(slopeCi) && slope != 0 && Math.Abs(slope) <= slopeCi ? ReachVerdict.WithinNoise
                : Smooth(lo, c0, hi) ? Judge(factor, source)
                : ReachVerdict.Nonlinear;
            return new ChangeElasticity(f.Name, double.IsFinite(slope) ? slope : 0, f.Get(p).Ns, source, lo, hi, factor, verdict) { SlopeCi95 = slopeCi };
        });

        return new ChangeSensitivityResult(row, metric, c0, published, p.Id,
            [.. results.OrderByDescending(r => Math.Abs(r.PointsPerUnit)).ThenBy(r => r.Field, StringComparer.Ordinal)], replications);
    }

    /// <summary>
    /// The change of <paramref name="metric"/> from baseline to optimized, in percent, on one profile:
    /// the change of the means over replications 0..n-1 of each, as `reproduce` computes it.
    /// </summary>
    public static double Change(ScenarioSpec baseline, ScenarioSpec optimized, string metric, CostProfile p, int replications = 1)
    {
        var (b, o) = Runs(baseline, optimized, metric, p, replications);
        return ChangeOfMeans(b, o);
    }

    private static (double[] B, double[] O) Runs(ScenarioSpec baseline, ScenarioSpec optimized, string metric, CostProfile p, int replications)
    {
        var b = new double[replications];
        var o = new double[replications];
        for (int r = 0; r < replications; r++)
        {
            b[r] = ScenarioRunner.Run(baseline, r, profileOverride: p).Metric(metric);
            o[r] = ScenarioRunner.Run(optimized, r, profileOverride: p).Metric(metric);
        }

        return (b, o);
    }

    private static double ChangeOfMeans(double[] b, double[] o)
    {
        double sb = 0, so = 0;
        for (int r = 0; r < b.Length; r++)
        {
            sb += b[r];
            so += o[r];
        }

        return sb == 0 ? double.NaN : (so - sb) / sb * 100; // NaN: the baseline did no work, so there is no change to speak of
    }

    /// <summary>
    /// The 95% half-width of the slope over paired replications: replication r's own slope is
    /// (c_r(+h) - c_r(-h)) / 2h with c_r its change between the variants, and the four runs of a
    /// replication share its random stream, so their spread is the noise the slope carries. Student
    /// t with n - 1 degrees of freedom; NaN with one replication or a replication without work.
    /// </summary>
    public static double SlopeCi95((double[] B, double[] O) low, (double[] B, double[] O) high, double step)
    {
        int n = low.B.Length;
        if (n < 2)
        {
            return double.NaN;
        }

        var d = new double[n];
        for (int r = 0; r < n; r++)
        {
            if (low.B[r] == 0 || high.B[r] == 0)
            {
                return double.NaN;
            }

            double cl = (low.O[r] - low.B[r]) / low.B[r] * 100, ch = (high.O[r] - high.B[r]) / high.B[r] * 100;
            d[r] = (ch - cl) / (2 * step);
        }

        double mean = d.Average();
        double var = d.Sum(x => (x - mean) * (x - mean)) / (n - 1);
        return StudentT.InvCDF(0, 1, n - 1, 0.975) * Math.Sqrt(var / n);
    }

    /// <summary>
    /// Whether the change at -h, 0, +h is smooth: monotone (within 0.5 points) and not a step (one
    /// side moving by more than 5 points while the other moves less than a fifth of that). Otherwise
    /// the change jumps with a small cost change (chaotic dynamics at this seed, such as the
    /// overcommitted hosts' placement, or a threshold crossed) and a slope means nothing.
    /// </summary>
    public static bool Smooth(double lo, double mid, double hi)
    {
        if (!double.IsFinite(lo) || !double.IsFinite(mid) || !double.IsFinite(hi) || mid < Math.Min(lo, hi) - 0.5 || mid > Math.Max(lo, hi) + 0.5)
        {
            return false;
        }

        // A step: one side moves by points, the other hardly at all (a threshold crossed, not a slope).
        double down = Math.Abs(mid - lo), up = Math.Abs(hi - mid);
        return Math.Max(down, up) <= 5 || Math.Min(down, up) >= 0.2 * Math.Max(down, up);
    }

    /// <summary>Whether the factor a field alone would need is one its provenance allows.</summary>
    public static ReachVerdict Judge(double? factor, FieldSource source) => factor switch
    {
        null => ReachVerdict.NoEffect,
        <= 0 => ReachVerdict.WrongSign,
        { } f when source.Kind == SourceKind.Measured => Math.Abs(f - 1) <= MeasuredSlack ? ReachVerdict.Allowed : ReachVerdict.Measured,
        { } f when source.Kind == SourceKind.Fitted => Math.Abs(f - 1) <= FittedSlack ? ReachVerdict.Allowed : ReachVerdict.Fitted,
        { } f => f >= 1 / EstimateBand && f <= EstimateBand ? ReachVerdict.Allowed : ReachVerdict.BeyondBand,
    };
}

/// <summary>One field's effect on a row's change: points of change per unit relative change of the field.</summary>
public sealed record ChangeElasticity(
    string Field, double PointsPerUnit, double CostNs, FieldSource Source, double ChangeLow, double ChangeHigh, double? FactorNeeded, ReachVerdict Verdict)
{
    /// <summary>95% half-width of <see cref="PointsPerUnit"/> over the paired replications (NaN with one).</summary>
    public double SlopeCi95 { get; init; } = double.NaN;
}

/// <summary>A row's modelled change and every field's effect on it, largest first.</summary>
public sealed record ChangeSensitivityResult(string Row, string Metric, double ChangePercent, double? PublishedPercent, string Profile, IReadOnlyList<ChangeElasticity> Fields,
    int Replications = 1);

/// <summary>Whether one field alone could reach the published change honestly.</summary>
public enum ReachVerdict
{
    /// <summary>The change does not depend on the field.</summary>
    NoEffect,

    /// <summary>Moving the field would take the change the other way (the factor would be negative).</summary>
    WrongSign,

    /// <summary>A measured cost would have to change by more than 5%.</summary>
    Measured,

    /// <summary>A fitted cost would have to change by more than 25%: the fit's own entries would no longer hold.</summary>
    Fitted,

    /// <summary>An estimate would have to move beyond x/4..x4.</summary>
    BeyondBand,

    /// <summary>Within what the field's provenance allows (so the row's miss could be this cost).</summary>
    Allowed,

    /// <summary>The change is not monotone in the field around its value: no slope to extrapolate.</summary>
    Nonlinear,

    /// <summary>Over the replications the slope is within its own 95% noise: no slope to extrapolate.</summary>
    WithinNoise,
}
