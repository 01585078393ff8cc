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
    /// True when every replication gave the same value (and there is more than one): the run
    /// draws no random number that reaches the metric, so a zero-width interval is not precision
    /// and is reported as "deterministic" instead (issue 11).
    /// </summary>
    public static bool AllEqual(IReadOnlyList<double> xs) => xs.Count > 1 && xs.All(x => x.Equals(xs[0]));
}
