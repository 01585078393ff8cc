using System.Globalization;

namespace KvmLab.Sweeps;

/// <summary>
/// Shard I of N (0 &lt;= I &lt; N) takes the points whose index modulo N is I: deterministic, disjoint,
/// covering, and balanced when neighbouring points cost about the same.
/// </summary>
public sealed record Shard(int Index, int Count)
{
    public static Shard All { get; } = new(0, 1);

    public bool IsAll => Count == 1;

    public bool Contains(SweepPoint p)
    {
        ArgumentNullException.ThrowIfNull(p);
        return p.Index % Count == Index;
    }

    /// <summary>Parses "I/N"; returns null and a reason when it is not one.</summary>
    public static Shard? Parse(string text, out string? problem)
    {
        problem = null;
        string[] parts = (text ?? "").Split('/');
        if (parts.Length == 2
            && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int i)
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int n))
        {
            if (n >= 1 && i < n)
            {
                return new Shard(i, n);
            }

            problem = $"--shard {text}: need 0 <= I < N";
            return null;
        }

        problem = $"--shard {text}: expected I/N, for example 0/4 (shard 0 of 4)";
        return null;
    }

    /// <summary>The file-name suffix for this shard's outputs ("" for the whole sweep).</summary>
    public string Suffix => IsAll ? "" : string.Create(CultureInfo.InvariantCulture, $"-shard-{Index}-of-{Count}");
}
