namespace KvmLab.Experiments;

/// <summary>Mean and Student-t 95% confidence half-width of a small sample.</summary>
public static class Statistics
{
    // Two-sided 97.5% quantiles of Student's t for 1..30 degrees of freedom.
    private static readonly double[] T975 =
    [
        12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
        2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
        2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042,
    ];

    public static (double Mean, double Ci95) MeanCi(IReadOnlyList<double> xs)
    {
        if (xs.Count == 0)
        {
            return (double.NaN, double.NaN);
        }

        double mean = xs.Average();
        if (xs.Count == 1)
        {
            return (mean, double.NaN);
        }

        double var = xs.Sum(x => (x - mean) * (x - mean)) / (xs.Count - 1);
        int df = xs.Count - 1;
        double t = df <= T975.Length ? T975[df - 1] : 1.96;
        return (mean, t * Math.Sqrt(var / xs.Count));
    }

    /// <summary>
    /// True when every replication gave the same value (and there is more than one): the run
    /// draws no random number that reaches the metric, so a zero-width interval is not precision
    /// and is reported as "deterministic" instead (issue 11).
    /// </summary>
    public static bool AllEqual(IReadOnlyList<double> xs) => xs.Count > 1 && xs.All(x => x.Equals(xs[0]));
}
