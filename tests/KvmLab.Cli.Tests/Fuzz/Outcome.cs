namespace KvmLab.Cli.Tests.Fuzz;

/// <summary>How one mutant ended.</summary>
/// <param name="Class">ok, refused (exit 1 or 2 with one good line), interrupted (stopped cleanly by the wall-clock guard), or the violation's name.</param>
public sealed record Outcome(Mutant Mutant, string Class, int? Exit, string Stderr, TimeSpan Elapsed, long PeakGrowthBytes, string? Violation);
