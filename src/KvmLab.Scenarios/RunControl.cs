using KvmLab.Engine.Time;

namespace KvmLab.Scenarios;

/// <summary>
/// What a caller may do to a run in progress without changing its results: watch its simulated
/// time (a progress line) and stop it (Ctrl-C, a test's wall-clock guard). Both act between the
/// runner's 500 us slices, so the events of a run and their order never depend on them.
/// </summary>
public sealed class RunControl
{
    /// <summary>Stops the run at the next slice boundary with an <see cref="OperationCanceledException"/>.</summary>
    public CancellationToken Cancel { get; init; }

    /// <summary>Called after every slice with the simulated time reached and the time the run ends at.</summary>
    public Action<SimTime, SimTime>? Progress { get; init; }
}
