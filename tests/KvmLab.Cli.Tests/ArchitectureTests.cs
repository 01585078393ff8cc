using System.Reflection;

namespace KvmLab.Cli.Tests;

/// <summary>
/// The map's "knows nothing of" column (ARCHITECTURE.md), as a test: each assembly references
/// only the KvmLab assemblies below it.
/// </summary>
public class ArchitectureTests
{
    public static TheoryData<string, string[]> Allowed => new()
    {
        { "KvmLab.Engine", [] },
        { "KvmLab.Model", ["KvmLab.Engine"] },
        { "KvmLab.Policies", ["KvmLab.Engine", "KvmLab.Model"] },
        { "KvmLab.RealKvm", ["KvmLab.Engine", "KvmLab.Model"] },
        { "KvmLab.Scenarios", ["KvmLab.Engine", "KvmLab.Model", "KvmLab.Policies"] },
        { "KvmLab.Calibration", ["KvmLab.Engine", "KvmLab.Model", "KvmLab.Policies", "KvmLab.Scenarios"] },
    };

    [Theory]
    [MemberData(nameof(Allowed))]
    public void Assembly_ReferencesOnlyTheRoomsBelowIt(string assembly, string[] allowed)
    {
        Assembly a = Assembly.Load(assembly);
        string[] refs = [.. a.GetReferencedAssemblies().Select(r => r.Name!).Where(n => n.StartsWith("KvmLab.", StringComparison.Ordinal)).Order()];

        Assert.All(refs, r => Assert.Contains(r, allowed));
    }
}
