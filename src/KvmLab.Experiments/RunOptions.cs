using KvmLab.Model.Hardware;
using KvmLab.Model.Invariants;
using KvmLab.Scenarios;
using KvmLab.Sweeps;

namespace KvmLab.Experiments;

/// <summary>How to run an experiment: the profile, checks, a scenario rewrite, and the local workers.</summary>
public sealed record RunOptions
{
    /// <summary>Replaces every variant's own profile (`--profile`); null: each scenario's profile.</summary>
    public CostProfile? Profile { get; init; }

    /// <summary>
    /// Runs every variant on its platform's estimates instead of the fitted profile
    /// (<c>reproduce --estimates</c>: the verdicts before issue 13's fits, docs/RESULTS.md).
    /// </summary>
    public bool Estimates { get; init; }

    /// <summary>Invariant checks for every run (null: <see cref="ScenarioRunner.DefaultChecks"/>).</summary>
    public InvariantLevel? Checks { get; init; }

    /// <summary>Applied to each variant's scenario first (a scenario-file override such as another drive or depth).</summary>
    public Func<ScenarioSpec, ScenarioSpec>? Rewrite { get; init; }

    /// <summary>Set when <see cref="Rewrite"/> changes the setup: the published values no longer apply.</summary>
    public string? OverrideDescription { get; init; }

    /// <summary>Runs in parallel on the sweeps' pool (<see cref="LocalPool"/>); the result is the same bytes for any count.</summary>
    public int Jobs { get; init; } = 1;

    /// <summary>Called after each run with (runs done, runs total), serialized.</summary>
    public Action<int, int>? Progress { get; init; }
}
