using System.Text;

namespace KvmLab.Reporting;

/// <summary>A plain aligned text table for terminals and logs (numbers right-aligned).</summary>
public sealed class TextTable(params string[] headers)
{
    private readonly List<string[]> _rows = [];

    public void Add(params string[] cells)
    {
        if (cells.Length != headers.Length)
        {
            throw new ArgumentException($"Expected {headers.Length} cells, got {cells.Length}.", nameof(cells));
        }

        _rows.Add(cells);
    }

    public override string ToString()
    {
        int[] widths = [.. headers.Select((h, i) => Math.Max(h.Length, _rows.Count == 0 ? 0 : _rows.Max(r => r[i].Length)))];
        var b = new StringBuilder();
        void Line(string[] cells, bool header)
        {
            for (int i = 0; i < cells.Length; i++)
            {
                bool numeric = !header && i > 0 && cells[i].Length > 0 && (char.IsDigit(cells[i][0]) || cells[i][0] is '-' or '+');
                string cell = numeric ? cells[i].PadLeft(widths[i]) : cells[i].PadRight(widths[i]);
                b.Append(i == 0 ? "" : "  ").Append(cell);
            }

            b.Length = b.ToString().TrimEnd(' ').Length;
            b.Append('\n');
        }

        Line(headers, true);
        b.Append(string.Join("  ", widths.Select(w => new string('-', w)))).Append('\n');
        foreach (string[] r in _rows)
        {
            Line(r, false);
        }

        return b.ToString();
    }
}
