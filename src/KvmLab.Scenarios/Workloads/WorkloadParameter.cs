namespace KvmLab.Scenarios.Workloads;

/// <summary>How a workload parameter's text is read and bounded.</summary>
public enum ParameterKind
{
    /// <summary>A whole number between <see cref="WorkloadParameter.Min"/> and <see cref="WorkloadParameter.Max"/>.</summary>
    Integer,

    /// <summary>Whole microseconds between Min and Max (the key's name ends in _us).</summary>
    Microseconds,

    /// <summary>One of <see cref="WorkloadParameter.Choices"/>.</summary>
    Choice,

    /// <summary>A list of whole numbers, each between Min and Max.</summary>
    IntegerList,

    /// <summary>Read by the declaration itself (its own format, checked in <see cref="WorkloadDeclaration.Create"/>).</summary>
    Custom,
}

/// <summary>
/// One parameter a workload accepts: its name in the scenario file, what it means, and its bounds
/// with the reason for them, so the loader can refuse a bad value with the limit in the message.
/// </summary>
public sealed record WorkloadParameter(string Name, ParameterKind Kind, string Description)
{
    public long Default { get; init; }

    public long Min { get; init; }

    public long Max { get; init; } = ScenarioLimits.MaxCount;

    /// <summary>Why the bounds are what they are, shown with an out-of-range value ("0: until the duration ends").</summary>
    public string? Why { get; init; }

    public IReadOnlyList<string> Choices { get; init; } = [];

    public static WorkloadParameter Integer(string name, long fallback, long min, long max, string description, string? why = null) =>
        new(name, ParameterKind.Integer, description) { Default = fallback, Min = min, Max = max, Why = why };

    public static WorkloadParameter Microseconds(string name, long fallback, long min, string description) =>
        new(name, ParameterKind.Microseconds, description) { Default = fallback, Min = min, Max = ScenarioLimits.MaxMicroseconds, Why = "at most one hour" };

    public static WorkloadParameter Choice(string name, string description, params string[] choices) =>
        new(name, ParameterKind.Choice, description) { Choices = choices };

    public static WorkloadParameter List(string name, long min, long max, string description, string? why = null) =>
        new(name, ParameterKind.IntegerList, description) { Min = min, Max = max, Why = why };

    public static WorkloadParameter Custom(string name, string description) => new(name, ParameterKind.Custom, description);
}
