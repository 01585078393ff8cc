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
        foreach (Experiment x in ExperimentCatalog.All)
        {
            double?[] v = [x.Published.Baseline, x.Published.Optimized, x.Published.ChangePercent];
            yield return new Published(x.Id, x.Baseline.Scenario.Profile, [.. v.OfType<double>()]);
        }

        foreach (LadderExperiment l in ExperimentCatalog.Ladders)
        {
            foreach (IGrouping<string, LadderRung> byProfile in l.Rungs.GroupBy(r => r.Scenario.Profile))
            {
                yield return new Published(l.Id, byProfile.Key, [.. byProfile.Select(r => r.Published)]);
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
