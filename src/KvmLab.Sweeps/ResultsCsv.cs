using System.Globalization;
using System.Text;
using KvmLab.Scenarios;

namespace KvmLab.Sweeps;

/// <summary>
/// The results table as CSV: one row per point, sorted by point index, so the same sweep gives the
/// same bytes however many jobs or shards ran it. Columns: the fixed ones, the grid's paths in grid
/// order, then every metric in ordinal order (a metric a point did not report is an empty cell).
/// The 'parameters' column names the grid paths so a reader can tell parameters from metrics.
/// </summary>
public static class ResultsCsv
{
    public static readonly string[] Fixed = ["point_id", "point", "replication", "seed", "scenario", "scenario_hash", "version", "parameters"];

    public static IReadOnlyList<PointResult> Sort(IEnumerable<PointResult> rows) =>
        [.. rows.OrderBy(r => r.Index).ThenBy(r => r.PointId, StringComparer.Ordinal)];

    public static string Format(IEnumerable<PointResult> rows)
    {
        IReadOnlyList<PointResult> sorted = Sort(rows);
        // A 'seed' axis is already the fixed seed column.
        var parameters = sorted.Count == 0 ? [] : sorted[0].Parameters.Select(p => p.Key).Where(p => !Fixed.Contains(p)).ToList();
        var metrics = sorted.SelectMany(r => r.Metrics.Select(m => m.Key)).Distinct().Order(StringComparer.Ordinal).ToList();
        List<string> header = [.. Fixed, .. parameters, .. metrics];
        var table = new List<IReadOnlyList<string>> { header };
        foreach (PointResult r in sorted)
        {
            var values = r.Parameters.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
            var ms = r.Metrics.GroupBy(m => m.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First().Value, StringComparer.Ordinal);
            var cells = new List<string>
            {
                r.PointId,
                r.Index.ToString(CultureInfo.InvariantCulture),
                r.Replication.ToString(CultureInfo.InvariantCulture),
                r.Seed.ToString(CultureInfo.InvariantCulture),
                r.Scenario,
                r.ScenarioHash,
                r.Version,
                string.Join(';', r.Parameters.Select(p => p.Key)),
            };
            cells.AddRange(parameters.Select(p => values.GetValueOrDefault(p, "")));
            cells.AddRange(metrics.Select(m => ms.TryGetValue(m, out double v) ? v.ToString("R", CultureInfo.InvariantCulture) : ""));
            table.Add(cells);
        }

        return CsvTable.Format(table);
    }

    /// <summary>Writes beside the target and renames, so a reader never sees half a table.</summary>
    public static void Write(string path, IEnumerable<PointResult> rows)
    {
        string tmp = path + ".partial";
        File.WriteAllText(tmp, Format(rows), new UTF8Encoding(false));
        File.Move(tmp, path, overwrite: true);
    }

    public static IReadOnlyList<PointResult> Read(string path)
    {
        CsvTable t = CsvTable.Read(path);
        for (int i = 0; i < Fixed.Length; i++)
        {
            if (t.Header.Count <= i || t.Header[i] != Fixed[i])
            {
                throw new ScenarioException($"{path}:1: not a kvmlab sweep results table (expected columns {string.Join(",", Fixed)} first)");
            }
        }

        var rows = new List<PointResult>();
        for (int r = 0; r < t.Rows.Count; r++)
        {
            IReadOnlyList<string> c = t.Rows[r];
            string where = $"{path}:{t.Lines[r]}";
            var paramNames = c[7].Length == 0 ? [] : c[7].Split(';').ToList();
            var parameters = new List<KeyValuePair<string, string>>();
            foreach (string p in paramNames)
            {
                int col = t.Header.ToList().IndexOf(p);
                if (col < 0)
                {
                    throw new ScenarioException($"{where}: parameters: column '{p}' is missing");
                }

                parameters.Add(new(p, c[col]));
            }

            var metrics = new List<KeyValuePair<string, double>>();
            for (int col = Fixed.Length; col < t.Header.Count; col++)
            {
                if (paramNames.Contains(t.Header[col]) || c[col].Length == 0)
                {
                    continue;
                }

                if (!double.TryParse(c[col], NumberStyles.Float, CultureInfo.InvariantCulture, out double v))
                {
                    throw new ScenarioException($"{where}: {t.Header[col]}: '{c[col]}' is not a number");
                }

                metrics.Add(new(t.Header[col], v));
            }

            rows.Add(new PointResult
            {
                PointId = c[0],
                Index = int.TryParse(c[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out int ix) ? ix : throw new ScenarioException($"{where}: point: '{c[1]}' is not a whole number"),
                Replication = int.TryParse(c[2], NumberStyles.Integer, CultureInfo.InvariantCulture, out int rep) ? rep : throw new ScenarioException($"{where}: replication: '{c[2]}' is not a whole number"),
                Seed = ulong.TryParse(c[3], NumberStyles.Integer, CultureInfo.InvariantCulture, out ulong seed) ? seed : throw new ScenarioException($"{where}: seed: '{c[3]}' is not a whole number"),
                Scenario = c[4],
                ScenarioHash = c[5],
                Version = c[6],
                Parameters = parameters,
                Metrics = metrics,
            });
        }

        return rows;
    }
}
