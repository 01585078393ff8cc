using MathNet.Numerics.Statistics;

namespace KvmLab.RealKvm.Probes;

/// <summary>Order statistics of one probe's samples (ns).</summary>
public sealed record SampleSummary(int Count, double Min, double Median, double P99, double Max, double Mean)
{
    public static SampleSummary Of(IReadOnlyList<double> samples)
    {
        if (samples.Count == 0)
        {
            throw new ArgumentException("no samples", nameof(samples));
        }

        double[] s = [.. samples];
        Array.Sort(s);
        return new SampleSummary(s.Length, s[0], Quantile(s, 0.5), Quantile(s, 0.99), s[^1], s.Average());
    }

    /// <summary>Linear interpolation between closest ranks (Hyndman-Fan type 7, Math.NET's R7) of a sorted array.</summary>
    public static double Quantile(double[] sorted, double q) => SortedArrayStatistics.QuantileCustom(sorted, q, QuantileDefinition.R7);
}
