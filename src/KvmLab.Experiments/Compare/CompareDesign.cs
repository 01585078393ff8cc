namespace KvmLab.Experiments.Compare;

/// <summary>Which feature sets `kvmlab compare` runs (docs/COMPARE.md).</summary>
public enum CompareDesign
{
    /// <summary>The baseline, each chosen feature alone on top of it, all together, and each left out of all.</summary>
    OneAtATime,

    /// <summary>The baseline, all together, and each chosen feature left out of all (what each one adds to the rest).</summary>
    LeaveOneOut,

    /// <summary>Every combination of the chosen features (up to <see cref="FeatureSets.MaxFactorial"/>): main effects and two-way interactions.</summary>
    Factorial,
}
