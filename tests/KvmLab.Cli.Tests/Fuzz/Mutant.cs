namespace KvmLab.Cli.Tests.Fuzz;

/// <summary>
/// One mutated input: the file text (or none for a command-line mutant), the arguments to run it
/// with (with "{file}" and "{dir}" placeholders), and what was changed, for the report. A number
/// replacement also records where the new number starts (1-based line and column), for the
/// truncation oracle.
/// </summary>
public sealed record Mutant(
    int Index,
    MutantFamily Family,
    string Base,
    string Kind,
    string Description,
    string? Text,
    IReadOnlyList<string> Args,
    int? NumberLine = null,
    int? NumberColumn = null)
{
    /// <summary>Where <see cref="Text"/> is written before the run (null for a command-line mutant that needs no file).</summary>
    public string? File { get; init; }
}
