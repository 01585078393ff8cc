// Shared by the test projects that read files in the repository (linked into each csproj).
namespace KvmLab.TestSupport;

internal static class RepoPaths
{
    /// <summary>The repository root: the first directory above the test binaries that holds KvmLab.slnx.</summary>
    public static string Root { get; } = FindRoot();

    public static string Scenario(string fileName) => Path.Combine(Root, "scenarios", fileName);

    public static string Sweep(string fileName) => Path.Combine(Root, "sweeps", fileName);

    private static string FindRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            if (File.Exists(Path.Combine(d.FullName, "KvmLab.slnx")))
            {
                return d.FullName;
            }
        }

        throw new InvalidOperationException($"No KvmLab.slnx above {AppContext.BaseDirectory}.");
    }
}
