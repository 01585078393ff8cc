namespace KvmLab.Cli.Tests.Fuzz;

/// <summary>What a family of mutants is made from: a shipped scenario, a shipped sweep, a cost profile JSON or a command line.</summary>
public enum MutantFamily
{
    Scenario,
    Sweep,
    Profile,
    CommandLine,
}
