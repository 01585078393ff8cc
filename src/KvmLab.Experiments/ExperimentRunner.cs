using KvmLab.Model.Hardware;
using KvmLab.Model.Invariants;
using KvmLab.Scenarios;
using KvmLab.Sweeps;

namespace KvmLab.Experiments;

/// <summary>Runs every variant of an experiment over its replications, in parallel, and judges them.</summary>
public static class ExperimentRunner
{
    public static ExperimentResult Run(Experiment e, ulong seed, RunOptions? options = null) => RunAll([e], seed, options)[0];

    /// <summary>
    /// Every run of every experiment (variants x replications) goes into one pool, so the workers
    /// stay busy across experiments of very different cost; the results come back in the
    /// experiments' order whatever the job count.
    /// </summary>
    /// <param name="overrideFor">Per experiment, what a scenario rewrite changes in it (replaces <see cref="RunOptions.OverrideDescription"/>).</param>
    public static IReadOnlyList<ExperimentResult> RunAll(IReadOnlyList<Experiment> experiments, ulong seed, RunOptions? options = null,
        Func<Experiment, string?>? overrideFor = null)
    {
        ArgumentNullException.ThrowIfNull(experiments);
        RunOptions o = options ?? new RunOptions();
        // Every (experiment, variant, replication) is one independent run; the pool returns them in this order.
        var work = new List<(ScenarioSpec Spec, int Replication)>();
        foreach (Experiment e in experiments)
        {
            foreach (Variant v in e.Variants)
            {
                ScenarioSpec spec = (o.Rewrite?.Invoke(v.Scenario) ?? v.Scenario) with { Seed = seed };
                if (o.Estimates)
                {
                    spec = spec with { Profile = Profiles.EstimatesId(spec.Profile) };
                }

                for (int r = 0; r < e.Replications; r++)
                {
                    work.Add((spec, r));
                }
            }
        }

        // Longest runs first (a rough cost: simulated time x CPUs simulated), so no long run starts
        // last while the other workers sit idle; each result still goes back to its own slot.
        int[] order = [.. Enumerable.Range(0, work.Count).OrderByDescending(i => Cost(work[i].Spec)).ThenBy(i => i)];
        IReadOnlyList<RunResult> sorted = LocalPool.Map(order, o.Jobs,
            i => ScenarioRunner.Run(work[i].Spec, work[i].Replication, profileOverride: o.Profile, checks: o.Checks), o.Progress);
        var runs = new RunResult[work.Count];
        for (int k = 0; k < order.Length; k++)
        {
            runs[order[k]] = sorted[k];
        }

        var results = new List<ExperimentResult>();
        int at = 0;
        foreach (Experiment e in experiments)
        {
            var variants = new List<VariantResult>();
            foreach (Variant v in e.Variants)
            {
                variants.Add(Summarise(e, v, [.. runs.Skip(at).Take(e.Replications)]));
                at += e.Replications;
            }

            CostProfile? profile = o.Profile ?? Profiles.Find(variants[0].Runs[0].Profile);
            results.Add(Judge(e, seed, variants, overrideFor is null ? o.OverrideDescription : overrideFor(e)) with
            {
                ProfileProvenance = profile?.ProvenanceLine() ?? variants[0].Runs[0].Profile,
            });
        }

        return results;
    }

    private static ExperimentResult Judge(Experiment e, ulong seed, List<VariantResult> results, string? overrideDescription)
    {
        VariantResult b = results[0];
        VariantResult x = results[^1];
        double change = 100.0 * (x.Mean - b.Mean) / b.Mean;
        // Replication i of every variant runs on the same seed and replication index, so the
        // change's interval comes from the pairs (NaN with one replication: no interval).
        double ci = Statistics.PairedChangeCi95Points([.. b.Runs.Select(r => r.Metric(e.Metric))], [.. x.Runs.Select(r => r.Metric(e.Metric))]);
        return new ExperimentResult
        {
            Experiment = e,
            Seed = seed,
            Variants = results,
            ModelChangePercent = change,
            ModelChangeCi95Points = ci,
            OrderViolations = e.JudgedPerVariant
                ? Verdict.OrderViolations([.. results.Select(r => (r.Name, r.Mean, r.Variant.Published ?? double.NaN))], e.TiePercent)
                : [],
            Comparable = overrideDescription is null,
            Override = overrideDescription,
        };
    }

    private static double Cost(ScenarioSpec s) => s.Duration.Seconds * (s.Machine.Pcpus + s.Vms.Sum(v => v.Vcpus));

    private static VariantResult Summarise(Experiment e, Variant v, IReadOnlyList<RunResult> runs)
    {
        double[] values = [.. runs.Select(x => x.Metric(e.Metric))];
        var (mean, ci) = Statistics.MeanCi(values);
        var metrics = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (string m in e.Breakdown.Concat(e.Extras))
        {
            metrics[m] = runs.Average(x => x.Metric(m));
        }

        return new VariantResult
        {
            Variant = v,
            Mean = mean,
            Ci95 = ci,
            Deterministic = Statistics.AllEqual(values),
            Runs = runs,
            Metrics = metrics,
            WithinTolerance = e.JudgedOnValues && v.Published is double p && Verdict.WithinTolerance(mean, p, e.Tolerance),
            Outcome = e.JudgedOnValues && v.Published is double q ? Verdict.JudgeValue(mean, ci, q, e.Tolerance) : Outcome.NotReproduced,
        };
    }
}
