using KvmLab.Model.Hardware;
using KvmLab.Model.Invariants;
using KvmLab.Scenarios;

namespace KvmLab.Experiments;

/// <summary>Runs an experiment's variants over its replications and computes the change.</summary>
public static class ExperimentRunner
{
    /// <param name="progress">Called after each run with (runs done, runs total).</param>
    /// <param name="checks">Invariant checks for every run (null: <see cref="ScenarioRunner.DefaultChecks"/>).</param>
    public static ExperimentResult Run(Experiment e, ulong seed, Action<int, int>? progress = null, CostProfile? profile = null, InvariantLevel? checks = null)
    {
        int total = 2 * e.Replications;
        int done = 0;
        VariantResult RunVariant(Variant v)
        {
            var runs = new List<RunResult>();
            for (int r = 0; r < e.Replications; r++)
            {
                runs.Add(ScenarioRunner.Run(v.Scenario with { Seed = seed }, r, profileOverride: profile, checks: checks));
                progress?.Invoke(++done, total);
            }

            double[] values = [.. runs.Select(x => x.Metric(e.Metric))];
            var (mean, ci) = Statistics.MeanCi(values);
            return new VariantResult(v.Name, mean, ci, runs) { Deterministic = Statistics.AllEqual(values) };
        }

        VariantResult b = RunVariant(e.Baseline);
        VariantResult o = RunVariant(e.Optimized);
        double change = 100.0 * (o.Mean - b.Mean) / b.Mean;

        // d(o/b) = (o/b) * sqrt((do/o)^2 + (db/b)^2), first order; NaN when a CI is undefined.
        double ratio = o.Mean / b.Mean;
        double ci = 100.0 * ratio * Math.Sqrt(Math.Pow(o.Ci95 / o.Mean, 2) + Math.Pow(b.Ci95 / b.Mean, 2));
        return new ExperimentResult
        {
            Experiment = e,
            Seed = seed,
            Baseline = b,
            Optimized = o,
            ModelChangePercent = change,
            ModelChangeCi95Points = ci,
        };
    }
}
