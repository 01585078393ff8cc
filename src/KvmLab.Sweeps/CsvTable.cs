using System.Text;
using KvmLab.Scenarios;
using nietras.SeparatedValues;

namespace KvmLab.Sweeps;

/// <summary>
/// A CSV file as a header and rows of cells, with the line each row starts on for errors. Parsing
/// and quoting (RFC 4180) are Sep's; this class adds the checks a results table needs, each a
/// one-line error naming the file and line.
/// </summary>
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

        // The header is read as a row (HasHeader = false) so that duplicate names and ragged rows
        // get this class's messages rather than Sep's exceptions.
        var records = new List<IReadOnlyList<string>>();
        var lines = new List<int>();
        using (SepReader reader = Reader.FromText(text))
        {
            foreach (SepReader.Row row in reader)
            {
                // Sep's LineNumberFrom is right from the second row on; the first row starts the file.
                int line = row.RowIndex == 0 ? 1 : row.LineNumberFrom;
                // Sep takes an unclosed quote to the end of the file; in a well-formed row quotes pair up.
                if (row.Span.Count('"') % 2 == 1)
                {
                    throw new ScenarioException($"{path}:{line}: csv: a quoted cell is not closed (a torn last line?)");
                }

                var cells = new string[row.ColCount];
                for (int c = 0; c < cells.Length; c++)
                {
                    cells[c] = row[c].ToString();
                }

                records.Add(cells);
                lines.Add(line);
            }
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

        return new CsvTable(records[0], records[1..], lines[1..], path);
    }

    /// <summary>Rows of cells as CSV text: quoted only where needed, '\n' after every row, on every OS.</summary>
    public static string Format(IEnumerable<IReadOnlyList<string>> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var b = new StringBuilder();
        using (SepWriter w = Writer.To(b))
        {
            foreach (IReadOnlyList<string> cells in rows)
            {
                using SepWriter.Row row = w.NewRow();
                for (int c = 0; c < cells.Count; c++)
                {
                    row[c].Set(cells[c]);
                }
            }
        }

        return b.ToString();
    }

    // Unescape: quotes removed on access. DisableFastFloat: cells are read as text, parsed invariantly by the caller.
    private static readonly SepReaderOptions Reader = Sep.New(',').Reader(o => o with
    {
        HasHeader = false,
        Unescape = true,
        DisableColCountCheck = true,
        DisableFastFloat = true,
    });

    // Columns by index (no header bookkeeping; the caller writes the header as the first row).
    private static readonly SepWriterOptions Writer = Sep.New(',').Writer(o => o with
    {
        WriteHeader = false,
        Escape = true,
        DisableColCountCheck = true,
    });
}
