using MathNet.Numerics;
using MathNet.Numerics.Statistics;

namespace KvmLab.RealKvm.Probes;

/// <summary>
/// A versus B by a statistical test with a noise threshold, not by one run (STYLE.md): a two-sided
/// Mann-Whitney U test (normal approximation, mid-ranks for ties) and a percentile bootstrap 95%
/// confidence interval of the ratio of medians. B differs from A only when p &lt; 0.01 and the
/// whole interval lies outside 1 +- the noise threshold.
/// </summary>
public static class AbTest
{
    public const double NoiseThreshold = 0.05;
    public const double Alpha = 0.01;

    public static Comparison Compare(string nameA, IReadOnlyList<double> a, string nameB, IReadOnlyList<double> b, int seed = 1)
    {
        double medA = SampleSummary.Of(a).Median;
        double medB = SampleSummary.Of(b).Median;
        double p = MannWhitneyP(a, b);
        if (medA <= 0 || medB <= 0)
        {
            return new Comparison(nameA, nameB, medA, medB, double.NaN, double.NaN, double.NaN, p,
                $"not comparable as a ratio: a median is not positive after overhead subtraction (medians {medA:0} and {medB:0} ns, {P(p)})");
        }

        (double lo, double hi) = BootstrapRatioCi(a, b, seed);
        double ratio = medB / medA;
        string verdict;
        if (p < Alpha && lo > 1 + NoiseThreshold)
        {
            verdict = $"{nameB} slower: {ratio:0.00}x (95% CI {lo:0.00}-{hi:0.00}, {P(p)})";
        }
        else if (p < Alpha && hi < 1 - NoiseThreshold)
        {
            verdict = $"{nameB} faster: {ratio:0.00}x (95% CI {lo:0.00}-{hi:0.00}, {P(p)})";
        }
        else
        {
            verdict = $"no difference beyond {NoiseThreshold * 100:0}% noise: {ratio:0.00}x (95% CI {lo:0.00}-{hi:0.00}, {P(p)})";
        }

        return new Comparison(nameA, nameB, medA, medB, ratio, lo, hi, p, verdict);
    }

    private static string P(double p) => p < 0.001 ? "p<0.001" : $"p={p:0.###}";

    /// <summary>Two-sided p-value of the Mann-Whitney U test, normal approximation.</summary>
    /// <remarks>
    /// The U statistic is composed here from Math.NET's mid-ranks and erfc. Perfolizer 0.6.1 has a
    /// Mann-Whitney test, but its normal approximation computes n*m*(n+m+1) in 32-bit integers and
    /// returns NaN from about 1,300 samples a side; probes take 2,000 and more.
    /// </remarks>
    public static double MannWhitneyP(IReadOnlyList<double> a, IReadOnlyList<double> b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        int n1 = a.Count, n2 = b.Count;
        double[] ranks = MathNet.Numerics.Statistics.Statistics.Ranks(a.Concat(b), RankDefinition.Average);
        double rankSumA = 0;
        for (int i = 0; i < n1; i++)
        {
            rankSumA += ranks[i];
        }

        double u = rankSumA - (n1 * (n1 + 1) / 2.0);
        double mu = n1 * (double)n2 / 2;
        double sigma = Math.Sqrt(n1 * (double)n2 * (n1 + n2 + 1) / 12);
        double z = (u - mu) / sigma;
        return Math.Min(1, SpecialFunctions.Erfc(Math.Abs(z) / Math.Sqrt(2)));
    }

    /// <summary>Percentile bootstrap (1,000 resamples of at most 2,000 each) of median(B)/median(A).</summary>
    public static (double Low, double High) BootstrapRatioCi(IReadOnlyList<double> a, IReadOnlyList<double> b, int seed)
    {
        var rng = new Random(seed);
        const int rounds = 1000;
        var ratios = new double[rounds];
        double[] ra = new double[Math.Min(a.Count, 2000)];
        double[] rb = new double[Math.Min(b.Count, 2000)];
        for (int r = 0; r < rounds; r++)
        {
            for (int i = 0; i < ra.Length; i++)
            {
                ra[i] = a[rng.Next(a.Count)];
            }

            for (int i = 0; i < rb.Length; i++)
            {
                rb[i] = b[rng.Next(b.Count)];
            }

            Array.Sort(ra);
            Array.Sort(rb);
            ratios[r] = SampleSummary.Quantile(rb, 0.5) / SampleSummary.Quantile(ra, 0.5);
        }

        Array.Sort(ratios);
        return (SampleSummary.Quantile(ratios, 0.025), SampleSummary.Quantile(ratios, 0.975));
    }
}
