using MathNet.Numerics.Distributions;

namespace KvmLab.Experiments;

/// <summary>Mean and Student-t 95% confidence half-width of a small sample.</summary>
public static class Statistics
{
    public static (double Mean, double Ci95) MeanCi(IReadOnlyList<double> xs)
    {
        ArgumentNullException.ThrowIfNull(xs);
        if (xs.Count == 0)
        {
            return (double.NaN, double.NaN);
        }

        // The mean and the sum of squares stay plain sums in list order: the published numbers
        // (reproduce --json) are these bytes, and a different summation order moves last digits.
        double mean = xs.Average();
        if (xs.Count == 1)
        {
            return (mean, double.NaN);
        }

        double var = xs.Sum(x => (x - mean) * (x - mean)) / (xs.Count - 1);
        int df = xs.Count - 1;
        // The two-sided 97.5% quantile of Student's t for any number of degrees of freedom (Math.NET).
        double t = StudentT.InvCDF(0, 1, df, 0.975);
        return (mean, t * Math.Sqrt(var / xs.Count));
    }

    /// <summary>
    /// The 95% half-width, in percentage points, of the change 100 (x̄/b̄ - 1) when replication i of
    /// both variants ran on the same random stream (common random numbers: ExperimentRunner gives
    /// both the same seed and replication index). Delta method for a ratio of paired means:
    /// Var(x̄/b̄) ≈ Var(x̄ - R b̄) / b̄² with R = x̄/b̄, estimated from d_i = x_i - R b_i, and a
    /// Student t with n - 1 degrees of freedom. The pairs are independent of each other, so the
    /// interval is valid whatever the correlation inside a pair; a positive correlation (a random
    /// start both variants share) makes it narrower than treating the variants as independent.
    /// NaN with fewer than two pairs or unequal counts.
    /// </summary>
    public static double PairedChangeCi95Points(IReadOnlyList<double> baseline, IReadOnlyList<double> optimized)
    {
        ArgumentNullException.ThrowIfNull(baseline);
        ArgumentNullException.ThrowIfNull(optimized);
        int n = baseline.Count;
        if (n < 2 || optimized.Count != n)
        {
            return double.NaN;
        }

        double b = baseline.Average(), x = optimized.Average();
        double r = x / b;
        double dMean = 0;
        for (int i = 0; i < n; i++)
        {
            dMean += optimized[i] - r * baseline[i];
        }

        dMean /= n;
        double ss = 0;
        for (int i = 0; i < n; i++)
        {
            double d = optimized[i] - r * baseline[i] - dMean;
            ss += d * d;
        }

        double t = StudentT.InvCDF(0, 1, n - 1, 0.975);
        return 100.0 * t * Math.Sqrt(ss / (n - 1) / n) / Math.Abs(b);
    }

    /// <summary>
    /// True when every replication gave the same value (and there is more than one): the run
    /// draws no random number that reaches the metric, so a zero-width interval is not precision
    /// and is reported as "deterministic" instead (issue 11).
    /// </summary>
    public static bool AllEqual(IReadOnlyList<double> xs) => xs.Count > 1 && xs.All(x => x.Equals(xs[0]));
}
