namespace KvmLab.Scenarios;

/// <summary>
/// A problem with a whole scenario found by <see cref="ScenarioChecks"/>: the key to blame, what is
/// wrong, and optionally a more precise place to point at (a feature's item in the list).
/// </summary>
/// <param name="LineKey">The key whose line is shown, when it differs from <paramref name="Key"/> (for example "features/avic").</param>
public sealed record ScenarioProblem(string Key, string Problem, string? LineKey = null)
{
    /// <summary>"file:line: key: problem" for a loaded spec, "name: key: problem" for one built in code.</summary>
    public ScenarioException ToException(ScenarioSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return spec.Source is { } source
            ? source.Error(Key, Problem, LineKey)
            : new ScenarioException($"{spec.Name}: {Key}: {Problem}");
    }
}
