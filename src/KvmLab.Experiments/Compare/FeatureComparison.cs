using KvmLab.Model.Hardware;
using KvmLab.Policies;
using KvmLab.Scenarios;
using KvmLab.Sweeps;

namespace KvmLab.Experiments.Compare;

/// <summary>
/// `kvmlab compare`: a scenario under feature sets (<see cref="FeatureSets"/>), each over N
/// replications on the sweeps' pool, ranked by a metric with 95% intervals (Student t, as
/// <see cref="ReplicatedRun"/>), with the CPU it burns per unit of work and the exits that
/// explain the change. Deterministic for a seed: the pool returns runs in input order.
/// </summary>
public static class FeatureComparison
{
    /// <summary>
    /// The features to compare and the sets to run. Named features are checked on every set like
    /// a scenario's own list (ScenarioChecks): a platform or guest conflict is a ScenarioException
    /// with the scenario's file:line:key. Without names, every feature of the platform that every
    /// set can have is chosen, and the others are returned as left out with the reason.
    /// </summary>
    public static (IReadOnlyList<string> Chosen, IReadOnlyList<FeatureSet> Sets, IReadOnlyList<(string Feature, string Why)> LeftOut) Plan(
        ScenarioSpec spec, CompareOptions o)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(o);
        CostProfile profile = ProfileOf(spec, o);
        var leftOut = new List<(string, string)>();
        List<string> chosen = o.Features is { } named
            ? [.. named]
            : [.. FeatureCatalog.Every.Where(f => f.Needs is null || f.Needs == profile.Vendor).Select(f => f.Id)];
        while (true)
        {
            IReadOnlyList<FeatureSet> sets = FeatureSets.Of(spec.Features, chosen, o.Design);
            var bad = sets.Select(s => (Set: s, Problem: ScenarioChecks.Find(spec with { Features = s.Features }, profile)))
                .FirstOrDefault(x => x.Problem is not null);
            if (bad.Problem is null)
            {
                return (chosen, sets, leftOut);
            }

            if (o.Features is not null)
            {
                throw (bad.Problem with { Problem = $"compare set '{bad.Set.Name}': {bad.Problem.Problem}" }).ToException(spec);
            }

            // A default: leave out the feature the problem names (or, for a guest conflict, the set's last feature).
            string culprit = bad.Problem.LineKey is { } k && k.StartsWith("features/", StringComparison.Ordinal) && chosen.Contains(k["features/".Length..])
                ? k["features/".Length..]
                : bad.Set.On.Count > 0 ? bad.Set.On[^1] : chosen[^1];
            leftOut.Add((culprit, $"set '{bad.Set.Name}': {bad.Problem.Problem}"));
            chosen.Remove(culprit);
        }
    }

    public static Comparison Run(ScenarioSpec spec, CompareOptions o)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(o);
        ArgumentOutOfRangeException.ThrowIfLessThan(o.Replications, 2);
        var (chosen, sets, leftOut) = Plan(spec, o);
        CostProfile profile = ProfileOf(spec, o);
        var work = sets.SelectMany(s => Enumerable.Range(0, o.Replications).Select(r => (Spec: spec with { Features = s.Features }, Replication: r))).ToList();
        IReadOnlyList<RunResult> runs = LocalPool.Map(work, o.Jobs, w => ScenarioRunner.Run(w.Spec, w.Replication, profileOverride: o.Profile), o.Progress);
        RunResult first = runs[0];
        string metric = o.Metric ?? first.PrimaryMetric;
        RunMetric m = first.Metrics.FirstOrDefault(x => x.Name == metric)
            ?? throw new ArgumentException($"--metric: the scenario has no metric '{metric}' (its metrics: {string.Join(", ", first.Metrics.Select(x => x.Name))})");
        bool higherIsBetter = m.Unit.Contains("/s", StringComparison.Ordinal);
        string workMetric = WorkMetric(first, m);
        double window = Math.Max((spec.Duration - spec.Warmup).Seconds, 1e-12);

        var results = new List<SetResult>();
        IReadOnlyList<RunResult>? baseRuns = null;
        MetricSummary? baseSummary = null;
        for (int i = 0; i < sets.Count; i++)
        {
            IReadOnlyList<RunResult> mine = [.. runs.Skip(i * o.Replications).Take(o.Replications)];
            MetricSummary s = ReplicatedRun.Of(mine).Metrics.First(x => x.Name == metric);
            baseRuns ??= mine;
            baseSummary ??= s;
            double cores = mine.Average(r => r.Metric("pcpu_busy_cores"));
            double workMean = mine.Average(r => workMetric.EndsWith("/s", StringComparison.Ordinal) ? r.Metric(workMetric[..^2]) : r.Metric(workMetric));
            double workRate = workMetric.EndsWith("/s", StringComparison.Ordinal) ? workMean / window : workMean;
            double b = baseSummary.Mean;
            results.Add(new SetResult
            {
                Set = sets[i],
                Runs = mine,
                Metric = s,
                ChangePercent = 100.0 * (s.Mean - b) / b,
                // Replication r of every set runs on the scenario's seed and index r: the change's interval comes from the pairs, as reproduce's does.
                ChangeCi95Points = i == 0 ? 0 : Statistics.PairedChangeCi95Points([.. baseRuns.Select(r => r.Metric(metric))], [.. mine.Select(r => r.Metric(metric))]),
                CpuCores = cores,
                CpuUsPerWork = 1e6 * cores / workRate,
                ExitDeltas = Exits(baseRuns, mine),
                ChangesNothing = i > 0 && Same(baseRuns, mine),
            });
        }

        IReadOnlyList<SetResult> ranked = Rank(results, higherIsBetter);
        var byName = ranked.ToDictionary(r => r.Set.Name, StringComparer.Ordinal);
        return new Comparison
        {
            Scenario = spec.Name,
            ScenarioFile = spec.Source?.File ?? spec.Name,
            Seed = spec.Seed,
            Profile = first.Profile,
            Design = o.Design,
            Features = chosen,
            DefaultFeatures = o.Features is null,
            LeftOut = leftOut,
            TrustedGuestOnly = [.. chosen.Where(f => FeatureCatalog.Find(f)?.RequiresTrustedGuest == true)],
            Metric = metric,
            Unit = m.Unit,
            HigherIsBetter = higherIsBetter,
            WorkMetric = workMetric,
            Replications = o.Replications,
            Sets = [.. results.Select(r => byName[r.Set.Name])],
            Ranked = ranked,
            Effects = o.Design == CompareDesign.Factorial ? FactorialEffects.Of(chosen, [.. results.Select(r => byName[r.Set.Name])]) : [],
            Version = first.Version,
        };
    }

    private static CostProfile ProfileOf(ScenarioSpec spec, CompareOptions o) => o.Profile ?? Profiles.Find(spec.Profile)
        ?? throw new ScenarioProblem("profile", $"unknown cost profile '{spec.Profile}' (known: {string.Join(", ", Profiles.All.Select(p => p.Id))})").ToException(spec);

    /// <summary>
    /// The unit of work: the ranked metric when it is a rate; else the workload's first rate; else its
    /// first count, per second of the measured window ("samples/s" for cyclictest). Workload metrics
    /// come before the exit metrics in a run (ScenarioRunner), which start at "exits_per_s.".
    /// </summary>
    private static string WorkMetric(RunResult r, RunMetric m)
    {
        if (m.Unit.Contains("/s", StringComparison.Ordinal))
        {
            return m.Name;
        }

        var workload = r.Metrics.TakeWhile(x => !x.Name.StartsWith("exits_per_s.", StringComparison.Ordinal)).ToList();
        return workload.FirstOrDefault(x => x.Unit.Contains("/s", StringComparison.Ordinal))?.Name
            ?? (workload.FirstOrDefault(x => x.Unit == "count") is { } c ? c.Name + "/s" : m.Name);
    }

    private static List<ExitDelta> Exits(IReadOnlyList<RunResult> baseline, IReadOnlyList<RunResult> set) =>
        [.. baseline[0].Metrics.Select(x => x.Name)
            .Where(n => n.StartsWith("exits_per_s.", StringComparison.Ordinal) && n != "exits_per_s.total")
            .Select(n => new ExitDelta(n["exits_per_s.".Length..], baseline.Average(r => r.Metric(n)), set.Average(r => r.Metric(n))))
            .Where(d => d.Delta != 0)
            .OrderByDescending(d => Math.Abs(d.Delta))
            .ThenBy(d => d.Reason, StringComparer.Ordinal)];

    private static bool Same(IReadOnlyList<RunResult> a, IReadOnlyList<RunResult> b) =>
        a.Count == b.Count && a.Zip(b).All(p => p.First.Metrics.Count == p.Second.Metrics.Count
            && p.First.Metrics.Zip(p.Second.Metrics).All(q => q.First.Name == q.Second.Name && q.First.Value.Equals(q.Second.Value)));

    /// <summary>Best first (ties on the mean keep the run order); a set is tied with the one above when their 95% intervals overlap.</summary>
    private static List<SetResult> Rank(List<SetResult> sets, bool higherIsBetter)
    {
        var order = sets.Select((s, i) => (s, i))
            .OrderBy(x => higherIsBetter ? -x.s.Metric.Mean : x.s.Metric.Mean)
            .ThenBy(x => x.i)
            .Select(x => x.s)
            .ToList();
        var ranked = new List<SetResult>();
        for (int i = 0; i < order.Count; i++)
        {
            bool tied = i > 0 && Overlap(order[i - 1].Metric, order[i].Metric);
            ranked.Add(order[i] with { Rank = tied ? ranked[i - 1].Rank : i + 1, TiedWithAbove = tied });
        }

        return ranked;
    }

    private static bool Overlap(MetricSummary a, MetricSummary b)
    {
        double ca = double.IsFinite(a.Ci95) ? a.Ci95 : 0;
        double cb = double.IsFinite(b.Ci95) ? b.Ci95 : 0;
        return Math.Abs(a.Mean - b.Mean) <= ca + cb;
    }
}
