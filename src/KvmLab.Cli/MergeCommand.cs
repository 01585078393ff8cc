using System.CommandLine;
using KvmLab.Sweeps;

namespace KvmLab.Cli;

internal static class MergeCommand
{
    public static Command Create(TextWriter o, TextWriter err)
    {
        var inputs = new Argument<string[]>("inputs") { Description = "Shard outputs: results CSV files or directories holding results*.csv", Arity = ArgumentArity.OneOrMore };
        var output = new Option<string>("--out") { Description = "The merged CSV to write", Required = true };
        var cmd = new Command("merge", "Combine sweep shard outputs into one results table (deduplicated by point id, sorted by point)") { inputs, output };
        cmd.SetAction(p =>
        {
            string[] given = p.GetValue(inputs)!;
            string target = p.GetValue(output)!;
            if (OutputPaths.FileProblem(target, "--out") is { } bad)
            {
                err.WriteLine($"kvmlab: merge: {bad}");
                return ExitCodes.Failure;
            }

            IReadOnlyList<PointResult> rows = SweepMerger.Merge(given, w => err.WriteLine($"kvmlab: merge: {w}"));

            if (Path.GetDirectoryName(Path.GetFullPath(target)) is { } d)
            {
                Directory.CreateDirectory(d);
            }

            ResultsCsv.Write(target, rows);
            o.WriteLine($"merged {SweepMerger.Files(given).Count} file(s): {rows.Count} points -> {target}");
            return ExitCodes.Ok;
        });
        return cmd;
    }
}
