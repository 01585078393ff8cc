using KvmLab.Model.Hardware;
using KvmLab.Model.Invariants;
using KvmLab.Scenarios;

namespace KvmLab.Experiments;

/// <summary>Runs every rung of a ladder over its replications and judges them.</summary>
public static class LadderRunner
{
    /// <param name="rewrite">Applied to each rung's scenario first (a scenario-file override such as another drive or depth).</param>
    /// <param name="overrideDescription">Set when <paramref name="rewrite"/> changes the setup: the published values no longer apply.</param>
    public static LadderResult Run(LadderExperiment e, ulong seed, Action<int, int>? progress = null, CostProfile? profile = null,
        Func<ScenarioSpec, ScenarioSpec>? rewrite = null, string? overrideDescription = null, InvariantLevel? checks = null)
    {
        ArgumentNullException.ThrowIfNull(e);
        int total = e.Rungs.Count * e.Replications;
        int done = 0;
        var results = new List<LadderRungResult>();
        foreach (LadderRung rung in e.Rungs)
        {
            ScenarioSpec spec = (rewrite?.Invoke(rung.Scenario) ?? rung.Scenario) with { Seed = seed };
            var runs = new List<RunResult>();
            for (int r = 0; r < e.Replications; r++)
            {
                runs.Add(ScenarioRunner.Run(spec, r, profileOverride: profile, checks: checks));
                progress?.Invoke(++done, total);
            }

            double[] values = [.. runs.Select(x => x.Metric(e.Metric))];
            var (mean, ci) = Statistics.MeanCi(values);
            var metrics = new Dictionary<string, double>(StringComparer.Ordinal);
            foreach (string m in e.Breakdown.Concat(e.Extras))
            {
                metrics[m] = runs.Average(x => x.Metric(m));
            }

            results.Add(new LadderRungResult
            {
                Rung = rung,
                Mean = mean,
                Ci95 = ci,
                Deterministic = Statistics.AllEqual(values),
                Runs = runs,
                Metrics = metrics,
                WithinTolerance = LadderVerdict.WithinTolerance(mean, rung.Published, e.TolerancePercent),
            });
        }

        return new LadderResult
        {
            Experiment = e,
            Seed = seed,
            Rungs = results,
            OrderViolations = LadderVerdict.OrderViolations([.. results.Select(r => (r.Rung.Name, r.Mean, r.Rung.Published))], e.TiePercent),
            Comparable = overrideDescription is null,
            Override = overrideDescription,
        };
    }
}
