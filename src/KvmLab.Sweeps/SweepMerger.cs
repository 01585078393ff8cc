using KvmLab.Scenarios;

namespace KvmLab.Sweeps;

/// <summary>
/// Combines shard outputs (results CSVs, or directories holding results*.csv) into one table:
/// rows deduplicated by point id (the first input wins; a duplicate with different numbers is
/// reported), sorted by point index. Shards 0..N-1 merged give the unsharded sweep's bytes.
/// </summary>
public static class SweepMerger
{
    /// <param name="warn">Told about each duplicate point whose numbers differ.</param>
    public static IReadOnlyList<PointResult> Merge(IEnumerable<string> inputs, Action<string>? warn = null)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var rows = new Dictionary<string, (PointResult Row, string File)>(StringComparer.Ordinal);
        foreach (string file in Files(inputs))
        {
            foreach (PointResult r in ResultsCsv.Read(file))
            {
                if (!rows.TryGetValue(r.PointId, out var first))
                {
                    rows[r.PointId] = (r, file);
                }
                else if (!Same(first.Row, r))
                {
                    warn?.Invoke($"point {r.PointId} is in {first.File} and {file} with different results; kept the one from {first.File}");
                }
            }
        }

        return ResultsCsv.Sort(rows.Values.Select(v => v.Row));
    }

    public static IReadOnlyList<string> Files(IEnumerable<string> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var files = new List<string>();
        foreach (string i in inputs)
        {
            if (Directory.Exists(i))
            {
                string[] found = [.. Directory.GetFiles(i, SweepRunner.CsvName + "*.csv").Order(StringComparer.Ordinal)];
                if (found.Length == 0)
                {
                    throw new ScenarioException($"{i}: no {SweepRunner.CsvName}*.csv in this directory");
                }

                files.AddRange(found);
            }
            else if (File.Exists(i))
            {
                files.Add(i);
            }
            else
            {
                throw new ScenarioException($"{i}: no such file or directory");
            }
        }

        return files;
    }

    private static bool Same(PointResult a, PointResult b) =>
        a.Index == b.Index && a.Seed == b.Seed && a.ScenarioHash == b.ScenarioHash && a.Version == b.Version
        && a.Parameters.SequenceEqual(b.Parameters)
        && a.Metrics.OrderBy(m => m.Key, StringComparer.Ordinal).SequenceEqual(b.Metrics.OrderBy(m => m.Key, StringComparer.Ordinal));
}
