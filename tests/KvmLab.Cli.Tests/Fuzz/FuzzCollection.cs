namespace KvmLab.Cli.Tests.Fuzz;

/// <summary>Runs alone: the memory guard reads the process's working set, which parallel tests would disturb.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class FuzzCollection
{
    public const string Name = "mutation fuzzer";
}
