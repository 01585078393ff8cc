using System.CommandLine;
using System.Globalization;
using System.Runtime.InteropServices;
using KvmLab.Scenarios;
using KvmLab.Sweeps;

namespace KvmLab.Cli;

internal static class SweepCommand
{
    /// <param name="cancel">Stops the sweep as a first SIGINT/SIGTERM does (for hosts that embed the CLI).</param>
    public static Command Create(TextWriter o, TextWriter err, CancellationToken cancel)
    {
        var file = new Argument<string>("sweep") { Description = "Sweep YAML file: a base scenario and a grid (see docs/SWEEPS.md)" };
        var outDir = new Option<string?>("--out") { Description = "Output directory (default: <sweep name>-results); holds the journal and results.csv" };
        var jobs = new Option<int?>("--jobs") { Description = "Points run at once (default: the number of cores)" };
        var shard = new Option<string?>("--shard") { Description = "Run only shard I of N (I/N, 0-based), for a cluster job array; combine with 'kvmlab merge'" };
        var maxMemory = CommonOptions.MaxMemory();
        var cmd = new Command("sweep", "Run a base scenario over a grid of parameters in parallel; resumes where an interrupted run stopped") { file, outDir, jobs, shard, maxMemory };
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
            if (n is < 1 or > MaxJobs)
            {
                err.WriteLine($"kvmlab: sweep: --jobs {n} is out of range: it must be from 1 to {MaxJobs}");
                return ExitCodes.Usage;
            }

            if (CommonOptions.MemoryLimit(p.GetValue(maxMemory), "sweep", err) is not long limit)
            {
                return ExitCodes.Usage;
            }

            SweepSpec sweep = SweepLoader.LoadFile(p.GetValue(file)!);
            string dir = p.GetValue(outDir) ?? sweep.Name + "-results";
            if (OutputPaths.DirectoryProblem(dir, "--out") is { } bad)
            {
                err.WriteLine($"kvmlab: sweep: {bad}");
                return ExitCodes.Failure;
            }

            CheckMemory(sweep, n, limit);
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancel);
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

    /// <summary>More parallel points than this is a typo: no machine here has a thousand cores.</summary>
    private const int MaxJobs = 1024;

    /// <summary>Up to --jobs points are in memory at once: the largest point's model times the jobs, plus one runtime.</summary>
    private static void CheckMemory(SweepSpec sweep, int jobs, long limit)
    {
        IReadOnlyList<SweepPoint> points = SweepExpander.Expand(sweep, jobs);
        if (points.Count == 0)
        {
            return;
        }

        SweepPoint largest = points.MaxBy(pt => MemoryEstimate.Of(pt.Scenario).Bytes)!;
        long perPoint = MemoryEstimate.Of(largest.Scenario).Bytes - MemoryEstimate.BaseBytes;
        long total = MemoryEstimate.BaseBytes + (perPoint * Math.Min(jobs, points.Count));
        if (total > limit)
        {
            string point = string.Join(", ", largest.Parameters.Select(kv => $"{kv.Key}={kv.Value}"));
            throw new ScenarioException(sweep.File, 1, "grid",
                $"{Math.Min(jobs, points.Count)} points at once need about {ByteSize.Format(total)} of memory (the largest, {point}, about {ByteSize.Format(perPoint)} each), "
                + $"more than the limit of {ByteSize.Format(limit)}; use fewer --jobs or raise --max-memory");
        }
    }
}
