namespace KvmLab.Experiments;

/// <summary>What an experiment's tolerance measures (TARGETS.md).</summary>
public enum ToleranceKind
{
    /// <summary>Percentage points between the model's change and the published change, same sign.</summary>
    ChangePoints,

    /// <summary>Percent of each published value: every variant's value within it ("+-15%" for absolute figures).</summary>
    EachValuePercent,
}
