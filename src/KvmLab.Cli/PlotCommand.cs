using System.CommandLine;
using KvmLab.Plotting;
using KvmLab.Sweeps;

namespace KvmLab.Cli;

internal static class PlotCommand
{
    public static Command Create(TextWriter o, TextWriter err)
    {
        var results = new Argument<string>("results") { Description = "A results CSV (kvmlab sweep's results.csv, or a merged one)" };
        var x = new Option<string>("--x") { Description = "Column for the x axis", Required = true };
        var y = new Option<string>("--y") { Description = "Numeric column for the y axis (rows with the same x and series are averaged; a warning names any grid parameter they differ in)", Required = true };
        var by = new Option<string?>("--by") { Description = "Column whose values make separate series" };
        var kind = new Option<string>("--kind") { Description = "line (numeric x) or bar", DefaultValueFactory = _ => "line" };
        kind.AcceptOnlyFromAmong("line", "bar");
        var output = new Option<string>("--out") { Description = "The chart file: .svg or .png", Required = true };
        var cmd = new Command("plot", "Draw a line or bar chart from a sweep's results table") { results, x, y, by, kind, output };
        cmd.SetAction(p =>
        {
            string target = p.GetValue(output)!;
            string ext = Path.GetExtension(target).ToLowerInvariant();
            if (ext is not (".svg" or ".png"))
            {
                err.WriteLine($"kvmlab: plot: --out {target}: the file name must end in .svg or .png");
                return ExitCodes.Usage;
            }

            if (OutputPaths.FileProblem(target, "--out") is { } bad)
            {
                err.WriteLine($"kvmlab: plot: {bad}");
                return ExitCodes.Failure;
            }

            CsvTable table = CsvTable.Read(p.GetValue(results)!);
            ChartImage chart = TablePlot.Draw(table, p.GetValue(x)!, p.GetValue(y)!, p.GetValue(by), p.GetValue(kind) == "bar" ? PlotKind.Bar : PlotKind.Line,
                Path.GetFileNameWithoutExtension(target), w => err.WriteLine($"kvmlab: plot: warning: {w}"));
            if (Path.GetDirectoryName(Path.GetFullPath(target)) is { } d)
            {
                Directory.CreateDirectory(d);
            }

            if (ext == ".svg")
            {
                File.WriteAllText(target, chart.Svg);
            }
            else
            {
                File.WriteAllBytes(target, chart.Png);
            }

            o.WriteLine($"{target}: {chart.Caption}");
            return ExitCodes.Ok;
        });
        return cmd;
    }
}
