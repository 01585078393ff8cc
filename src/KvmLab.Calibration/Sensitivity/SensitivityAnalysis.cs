using KvmLab.Model.Hardware;
using KvmLab.Scenarios;

namespace KvmLab.Calibration.Sensitivity;

/// <summary>
/// The elasticity of a scenario's metric to every cost field of its profile (issue 13, item 3):
/// each field in turn is scaled by (1 - h) and (1 + h) with every other field and the seed kept,
/// and the elasticity is (m+ - m-) / (2 h m0). The same seed in every run (common random numbers)
/// keeps noise out of the difference; a run is deterministic, so the result is too. Fields are
/// ranked by |elasticity|.
/// </summary>
public static class SensitivityAnalysis
{
    /// <summary>The relative step: large enough to move discrete event orders less than the change, small enough to stay local.</summary>
    public const double Step = 0.10;

    /// <param name="jobs">Runs at once (each run is single-threaded; results do not depend on it).</param>
    /// <param name="progress">Called after each field with (fields done, fields total).</param>
    public static SensitivityResult Run(ScenarioSpec spec, string? metric = null, CostProfile? profile = null, int jobs = 1, Action<int, int>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        CostProfile p = profile ?? Profiles.Find(spec.Profile) ?? throw new ScenarioException($"unknown cost profile '{spec.Profile}'");
        RunResult baseRun = ScenarioRunner.Run(spec, profileOverride: p);
        string m = metric ?? baseRun.PrimaryMetric;
        if (!baseRun.Metrics.Any(x => x.Name == m))
        {
            throw new ScenarioException($"{spec.Source?.File ?? spec.Name}: --metric: the run has no metric '{m}' (it has: {string.Join(", ", baseRun.Metrics.Select(x => x.Name))})");
        }

        double m0 = baseRun.Metric(m);
        Elasticity[] results = OverFields(p, jobs, progress, f =>
        {
            double lo = ScenarioRunner.Run(spec, profileOverride: Scaled(p, f, 1 - Step)).Metric(m);
            double hi = ScenarioRunner.Run(spec, profileOverride: Scaled(p, f, 1 + Step)).Metric(m);
            double e = m0 == 0 || !double.IsFinite(m0) ? 0 : (hi - lo) / (2 * Step * m0);
            return new Elasticity(f.Name, double.IsFinite(e) ? e : 0, f.Get(p).Ns, p.SourceOf(f.Name), lo, hi);
        });

        return new SensitivityResult(spec.Name, m, baseRun.Metrics.First(x => x.Name == m).Unit, m0, p.Id,
            [.. results.OrderByDescending(r => Math.Abs(r.Value)).ThenBy(r => r.Field, StringComparer.Ordinal)]);
    }

    /// <summary>
    /// <paramref name="each"/> for every cost field the profile charges (nonzero), up to
    /// <paramref name="jobs"/> at once, results in field order; progress after each field.
    /// </summary>
    public static T[] OverFields<T>(CostProfile p, int jobs, Action<int, int>? progress, Func<CostField, T> each)
    {
        ArgumentNullException.ThrowIfNull(p);
        ArgumentNullException.ThrowIfNull(each);
        CostField[] fields = [.. CostFields.All.Where(f => f.Get(p).Ns > 0)];
        var results = new T[fields.Length];
        int done = 0;
        var gate = new Lock();
        Parallel.For(0, fields.Length, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, jobs) }, i =>
        {
            results[i] = each(fields[i]);
            lock (gate)
            {
                progress?.Invoke(++done, fields.Length);
            }
        });

        return results;
    }

    /// <summary>The profile with one field scaled (a new profile; the original is unchanged).</summary>
    public static CostProfile Scaled(CostProfile p, CostField f, double factor) =>
        f.With(p, Engine.Time.SimSpan.FromNanoseconds(f.Get(p).Ns * factor));
}
