using System.CommandLine;
using System.Globalization;
using System.Runtime.InteropServices;
using KvmLab.Sweeps;

namespace KvmLab.Cli;

internal static class SweepCommand
{
    public static Command Create(TextWriter o, TextWriter err)
    {
        var file = new Argument<string>("sweep") { Description = "Sweep YAML file: a base scenario and a grid (see docs/SWEEPS.md)" };
        var outDir = new Option<string?>("--out") { Description = "Output directory (default: <sweep name>-results); holds the journal and results.csv" };
        var jobs = new Option<int?>("--jobs") { Description = "Points run at once (default: the number of cores)" };
        var shard = new Option<string?>("--shard") { Description = "Run only shard I of N (I/N, 0-based), for a cluster job array; combine with 'kvmlab merge'" };
        var cmd = new Command("sweep", "Run a base scenario over a grid of parameters in parallel; resumes where an interrupted run stopped") { file, outDir, jobs, shard };
        cmd.SetAction(p =>
        {
            Shard s = Shard.All;
            if (p.GetValue(shard) is string text)
            {
                if (Shard.Parse(text, out string? problem) is not { } parsed)
                {
                    err.WriteLine($"kvmlab: sweep: {problem}");
                    return ExitCodes.Usage;
                }

                s = parsed;
            }

            int n = p.GetValue(jobs) ?? Environment.ProcessorCount;
            if (n < 1)
            {
                err.WriteLine("kvmlab: sweep: --jobs must be at least 1");
                return ExitCodes.Usage;
            }

            SweepSpec sweep = SweepLoader.LoadFile(p.GetValue(file)!);
            string dir = p.GetValue(outDir) ?? sweep.Name + "-results";
            using var stop = new CancellationTokenSource();
            using var abandon = new CancellationTokenSource();
            string label = s.IsAll ? sweep.Name : $"{sweep.Name} shard {s.Index}/{s.Count}";
            var progress = new SweepProgress(err, label);
            int signals = 0;
            void OnSignal(PosixSignalContext ctx)
            {
                // SIGINT (Ctrl-C) and SIGTERM (what Slurm and Kubernetes send on cancel or
                // preemption) stop the same way: the first lets the points in flight finish and be
                // journaled, a second drops them. Either way results.csv is written and the run resumes.
                ctx.Cancel = true;
                if (Interlocked.Increment(ref signals) == 1)
                {
                    progress.Interrupt($"kvmlab: sweep: {ctx.Signal}: letting the points in flight finish, then stopping ({ctx.Signal} again drops them)");
                    stop.Cancel();
                }
                else
                {
                    abandon.Cancel();
                }
            }

            using PosixSignalRegistration sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
            using PosixSignalRegistration sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
            SweepOutcome r = SweepRunner.Run(sweep, dir, n, s, progress.Report, stop.Token, abandon.Token);
            progress.Done();
            if (r.RepairedTornLine)
            {
                err.WriteLine($"kvmlab: sweep: {r.JournalPath}: cut off a torn last line (a point interrupted mid-write runs again)");
            }

            double rate = r.Ran / Math.Max(r.Elapsed.TotalSeconds, 1e-9);
            o.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"sweep {label}: {r.Points} points, {r.AlreadyDone} already done, {r.Ran} run now in {r.Elapsed.TotalSeconds:0.0} s ({rate:0.00} points/s, {n} jobs); results: {r.CsvPath}"));
            if (!r.Complete)
            {
                string dropped = r.Dropped > 0 ? $", {r.Dropped} in flight dropped" : "";
                err.WriteLine($"kvmlab: sweep: interrupted with {r.AlreadyDone + r.Ran} of {r.Points} points done{dropped} ({r.CsvPath} has them); run the same command again to resume");
                return ExitCodes.Failure;
            }

            return ExitCodes.Ok;
        });
        return cmd;
    }
}
