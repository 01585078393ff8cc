using KvmLab.Calibration.Catalog;
using KvmLab.Experiments;
using KvmLab.Scenarios;

namespace KvmLab.Calibration.Tests.Catalog;

/// <summary>
/// Issue 13, item 2: an experiment's own published result never enters the measurement catalog
/// of its platform, so a fit to the catalog cannot lean on it. Entries marked
/// <c>calibration: true</c> say they need one and are exempt.
/// </summary>
public class PublishedValuesNotInCatalogTests
{
    /// <summary>One experiment's published numbers and the platform profile its scenarios run on.</summary>
    public sealed record Published(string Experiment, string Platform, IReadOnlyList<double> Values);

    /// <summary>
    /// The accessor the test reads: every experiment's published values (baseline, optimized,
    /// change) and every ladder's rung values, by platform. It is the only place that knows the
    /// experiments' shapes, so a reshaped Experiment changes only this.
    /// </summary>
    public static IEnumerable<Published> PublishedValues()
    {
        // One experiment shape: each variant's published value (by the profile it runs on) and the published change.
        foreach (Experiment x in ExperimentCatalog.All)
        {
            foreach (IGrouping<string, Variant> byProfile in x.Variants.GroupBy(v => v.Scenario.Profile))
            {
                double?[] v = [.. byProfile.Select(v => v.Published), byProfile.Key == x.Optimized.Scenario.Profile ? x.PublishedChangePercent : null];
                yield return new Published(x.Id, byProfile.Key, [.. v.OfType<double>()]);
            }
        }
    }

    private static IEnumerable<MeasurementCatalog> Catalogs() =>
        Directory.GetFiles(MeasurementCatalog.Directory(RepoPaths.Root), "*.yaml").Order(StringComparer.Ordinal).Select(MeasurementCatalog.Load);

    /// <summary>The same number: equal to the sixth significant digit (a catalog copies a published value as printed).</summary>
    private static bool Same(double a, double b) => Math.Abs(a - b) <= 1e-6 * Math.Max(Math.Abs(a), Math.Abs(b));

    [Fact]
    public void NoPublishedValue_AppearsInItsPlatformsCatalog_UnlessMarkedCalibration()
    {
        var hits = new List<string>();
        foreach (MeasurementCatalog c in Catalogs())
        {
            foreach (Published p in PublishedValues().Where(p => p.Platform == c.Platform))
            {
                foreach (MeasurementEntry e in c.Entries.Where(e => !e.Calibration))
                {
                    hits.AddRange(p.Values.Where(v => Same(v, e.Value)).Select(v => $"{Path.GetFileName(c.File)}: {e.Id} = {e.Value} is {p.Experiment}'s published {v}"));
                }
            }
        }

        Assert.Empty(hits);
    }

    [Fact]
    public void TheAccessor_SeesEveryExperimentWithItsValues()
    {
        var all = PublishedValues().ToList();

        Assert.Equal(ExperimentCatalog.AllIds.Order(StringComparer.Ordinal), all.Select(p => p.Experiment).Distinct().Order(StringComparer.Ordinal));
        Assert.All(all, p => Assert.NotEmpty(p.Values));
        Assert.Contains(all, p => p.Experiment == "ipi-fastpath-unittest" && p.Platform == "skylake-sp-2020" && p.Values.Contains(4238));
    }
}
