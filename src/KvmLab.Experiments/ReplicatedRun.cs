using KvmLab.Model.Hardware;
using KvmLab.Model.Invariants;
using KvmLab.Scenarios;

namespace KvmLab.Experiments;

/// <summary>One metric over a scenario's replications: mean, Student-t 95% half-width, and whether every replication agreed.</summary>
public sealed record MetricSummary(string Name, string Unit, double Mean, double Ci95, bool Deterministic);

/// <summary>
/// A scenario run over N replications (independent RNG streams, same seed): `kvmlab run
/// --replications N`. Metrics are summarised in the order the first run reports them.
/// </summary>
public sealed record ReplicatedRun(IReadOnlyList<RunResult> Runs, IReadOnlyList<MetricSummary> Metrics)
{
    /// <param name="progress">Called after each run with (runs done, runs total).</param>
    /// <param name="cancel">Stops between simulation slices (OperationCanceledException).</param>
    public static ReplicatedRun Run(ScenarioSpec spec, int replications, CostProfile? profile = null, InvariantLevel? checks = null, Action<int, int>? progress = null, CancellationToken cancel = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(replications, 1);
        var runs = new List<RunResult>(replications);
        var control = new RunControl { Cancel = cancel };
        for (int r = 0; r < replications; r++)
        {
            runs.Add(ScenarioRunner.Run(spec, r, profileOverride: profile, control: control, checks: checks));
            progress?.Invoke(r + 1, replications);
        }

        return Of(runs);
    }

    public static ReplicatedRun Of(IReadOnlyList<RunResult> runs)
    {
        var metrics = new List<MetricSummary>();
        foreach (RunMetric m in runs[0].Metrics)
        {
            double[] values = [.. runs.Select(r => r.Metric(m.Name))];
            var (mean, ci) = Statistics.MeanCi(values);
            metrics.Add(new MetricSummary(m.Name, m.Unit, mean, ci, Statistics.AllEqual(values)));
        }

        return new ReplicatedRun(runs, metrics);
    }
}
