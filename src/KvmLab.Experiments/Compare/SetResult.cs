using KvmLab.Scenarios;

namespace KvmLab.Experiments.Compare;

/// <summary>One feature set's runs, its metric with a 95% interval, and what it changed against the baseline.</summary>
public sealed record SetResult
{
    public required FeatureSet Set { get; init; }

    public required IReadOnlyList<RunResult> Runs { get; init; }

    public required MetricSummary Metric { get; init; }

    /// <summary>(set - baseline) / baseline in percent, and its first-order 95% half-width.</summary>
    public required double ChangePercent { get; init; }

    public required double ChangeCi95Points { get; init; }

    /// <summary>pCPUs kept busy (mean of <c>pcpu_busy_cores</c>): polling trades CPU for latency.</summary>
    public required double CpuCores { get; init; }

    /// <summary>pCPU microseconds burned per unit of work (<see cref="Comparison.WorkMetric"/>).</summary>
    public required double CpuUsPerWork { get; init; }

    /// <summary>Exits per second by reason against the baseline (means), largest first, zeros left out.</summary>
    public required IReadOnlyList<ExitDelta> ExitDeltas { get; init; }

    /// <summary>Every metric of every replication equals the baseline's: the set changes nothing in this scenario.</summary>
    public required bool ChangesNothing { get; init; }

    /// <summary>1 = best by the metric; sets whose intervals overlap the one ranked just above share its tie group.</summary>
    public int Rank { get; init; }

    /// <summary>Within the 95% intervals of the set ranked just above it: the order between them is not established.</summary>
    public bool TiedWithAbove { get; init; }
}

/// <summary>An exit reason's rate in a set minus the baseline's (exits per second).</summary>
public sealed record ExitDelta(string Reason, double Baseline, double Set)
{
    public double Delta => Set - Baseline;
}
