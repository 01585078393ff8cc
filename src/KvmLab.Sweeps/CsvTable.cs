using System.Text;
using KvmLab.Scenarios;

namespace KvmLab.Sweeps;

/// <summary>A CSV file as a header and rows of cells (RFC 4180 quoting), with the line of each row for errors.</summary>
public sealed class CsvTable
{
    public CsvTable(IReadOnlyList<string> header, IReadOnlyList<IReadOnlyList<string>> rows, IReadOnlyList<int> lines, string file)
    {
        Header = header;
        Rows = rows;
        Lines = lines;
        File = file;
    }

    public IReadOnlyList<string> Header { get; }

    public IReadOnlyList<IReadOnlyList<string>> Rows { get; }

    /// <summary>The file line each row starts on.</summary>
    public IReadOnlyList<int> Lines { get; }

    public string File { get; }

    /// <summary>The index of a column, or a one-line error naming the file and the columns it has.</summary>
    public int Column(string name, string option)
    {
        int i = Header.ToList().IndexOf(name);
        return i >= 0 ? i : throw new ScenarioException($"{File}:1: {option} {name}: no such column (columns: {string.Join(", ", Header)})");
    }

    public static CsvTable Read(string path)
    {
        string text;
        try
        {
            text = System.IO.File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ScenarioException($"{path}: cannot read: {e.Message}", e);
        }

        var records = new List<List<string>>();
        var lines = new List<int>();
        var cell = new StringBuilder();
        List<string>? row = null;
        bool quoted = false;
        int line = 1;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (row is null)
            {
                row = [];
                lines.Add(line);
            }

            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"')
                {
                    cell.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    if (c == '\n')
                    {
                        line++;
                    }

                    cell.Append(c);
                }

                continue;
            }

            switch (c)
            {
                case '"':
                    quoted = true;
                    break;
                case ',':
                    row.Add(cell.ToString());
                    cell.Clear();
                    break;
                case '\r':
                    break;
                case '\n':
                    row.Add(cell.ToString());
                    cell.Clear();
                    records.Add(row);
                    row = null;
                    line++;
                    break;
                default:
                    cell.Append(c);
                    break;
            }
        }

        if (quoted)
        {
            throw new ScenarioException($"{path}:{line}: csv: a quoted cell is not closed (a torn last line?)");
        }

        if (row is not null)
        {
            row.Add(cell.ToString());
            records.Add(row);
        }

        if (records.Count == 0)
        {
            throw new ScenarioException($"{path}:1: csv: empty file, expected a header line");
        }

        for (int r = 1; r < records.Count; r++)
        {
            if (records[r].Count != records[0].Count)
            {
                throw new ScenarioException($"{path}:{lines[r]}: csv: {records[r].Count} cells but the header has {records[0].Count}");
            }
        }

        return new CsvTable(records[0], records.Skip(1).ToList(), lines.Skip(1).ToList(), path);
    }

    public static string Escape(string s) =>
        s.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + s.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : s;
}
