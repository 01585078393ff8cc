namespace KvmLab.Scenarios;

/// <summary>
/// Where a loaded scenario came from: the file and the line of every key, so that a problem found
/// after parsing (a platform conflict, a workload that does not fit its VM, a memory estimate past
/// the limit) is still reported as "file:line: key: problem".
/// </summary>
public sealed record ScenarioSource(string File, IReadOnlyDictionary<string, int> Lines)
{
    /// <summary>The line of <paramref name="key"/>, else of its closest enclosing key ("vms[0].guest.apic", "vms[0].guest", "vms[0]", "vms"; "features/avic", "features"), else 1.</summary>
    public int LineOf(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        for (string k = key; k.Length > 0; k = Parent(k))
        {
            if (Lines.TryGetValue(k, out int line))
            {
                return line;
            }
        }

        return 1;
    }

    public ScenarioException Error(string key, string problem, string? lineKey = null) => new(File, LineOf(lineKey ?? key), key, problem);

    private static string Parent(string key)
    {
        int cut = Math.Max(Math.Max(key.LastIndexOf('.'), key.LastIndexOf('[')), key.LastIndexOf('/'));
        return cut <= 0 ? "" : key[..cut];
    }
}
