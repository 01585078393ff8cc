using System.CommandLine;
using KvmLab.Engine.Time;
using KvmLab.Experiments;
using KvmLab.Model.Hardware;
using KvmLab.Model.Invariants;
using KvmLab.Calibration;
using KvmLab.Model.Hardware.ProfileFiles;
using KvmLab.RealKvm.Calibration;
using KvmLab.Reporting;
using KvmLab.Scenarios;

namespace KvmLab.Cli;

internal static class RunCommand
{
    public static Command Create(TextWriter o, TextWriter err, CancellationToken cancel)
    {
        var scenario = new Argument<string>("scenario") { Description = "Scenario YAML file (see scenarios/)" };
        var seed = CommonOptions.Seed();
        var json = CommonOptions.Json("one JSON object with every metric (zeros included), its value and unit");
        var trace = new Option<string?>("--trace") { Description = "Write a Perfetto / chrome://tracing trace-event JSON file of the run" };
        var profile = CommonOptions.Profile();
        var maxMemory = CommonOptions.MaxMemory();
        var check = CommonOptions.Check();
        var allMetrics = new Option<bool>("--all-metrics") { Description = "List every metric in the table, zeros included (default: the non-zero ones; --json always has all)" };
        var replications = new Option<int>("--replications")
        {
            Description = "Run N replications (independent RNG streams) and print each metric's mean with a 95% interval",
            DefaultValueFactory = _ => 1,
        };
        var cmd = new Command("run", "Run a scenario file and print its metrics (each one is explained in docs/METRICS.md; progress and ETA on stderr; Ctrl-C stops it)")
        {
            scenario, seed, json, trace, profile, maxMemory, check, allMetrics, replications,
        };
        cmd.SetAction(p =>
        {
            if (CommonOptions.MemoryLimit(p.GetValue(maxMemory), "run", err) is not long limit)
            {
                return ExitCodes.Usage;
            }

            int n = p.GetValue(replications);
            if (n < 1 || n > 10_000)
            {
                err.WriteLine($"kvmlab: run: --replications {n} must be between 1 and 10000");
                return ExitCodes.Usage;
            }

            if (n > 1 && p.GetValue(trace) is not null)
            {
                err.WriteLine("kvmlab: run: --trace records one run; drop --replications or trace a single run");
                return ExitCodes.Usage;
            }

            // Everything that can be refused is refused before the run starts.
            string path = p.GetValue(scenario)!;
            ScenarioSpec spec = ScenarioLoader.LoadFile(path);
            if (p.GetValue(seed) is ulong s)
            {
                spec = spec with { Seed = s };
            }

            CostProfile? costs = p.GetValue(profile) is string pf ? ProfileFile.Read(pf).Profile : null;
            if (costs is not null && ScenarioChecks.Find(spec, costs) is { } problem)
            {
                throw problem.ToException(spec);
            }

            MemoryEstimate.Check(spec, limit);
            string? traceFile = p.GetValue(trace);
            if (traceFile is not null && OutputPaths.FileProblem(traceFile, "--trace") is { } bad)
            {
                err.WriteLine($"kvmlab: run: {bad}");
                return ExitCodes.Failure;
            }

            InvariantLevel? checks = p.GetValue(check) ? InvariantLevel.Full : null;
            using var interrupt = new Interrupt(cancel);
            if (n > 1)
            {
                var bar = new Progress(err);
                ReplicatedRun x;
                try
                {
                    x = ReplicatedRun.Run(spec, n, costs, checks, (done, total) => bar.Report(spec.Name, done, total), interrupt.Token);
                }
                catch (OperationCanceledException)
                {
                    bar.Done();
                    err.WriteLine("kvmlab: run: interrupted; no results written");
                    return ExitCodes.Failure;
                }

                bar.Done();
                o.WriteLine(p.GetValue(json) ? JsonResults.Replicated(x) : ResultTables.Replicated(x));
                return ExitCodes.Ok;
            }

            var progress = new RunProgress(err, spec.Name);
            SimTime reached = SimTime.Zero;
            var control = new RunControl
            {
                Cancel = interrupt.Token,
                Progress = (now, end) =>
                {
                    reached = now;
                    progress.Report(now, end);
                },
            };
            RunResult result;
            try
            {
                result = traceFile is null
                    ? ScenarioRunner.Run(spec, profileOverride: costs, control: control, checks: checks)
                    : RunWithTrace(spec, costs, control, checks, traceFile);
            }
            catch (OperationCanceledException)
            {
                progress.Done();
                err.WriteLine($"kvmlab: run: interrupted at {reached.Ns / 1e6:0.0} ms of {spec.Duration.Ns / 1e6:0.0} ms simulated; no results{(traceFile is null ? "" : " and no trace")} written");
                return ExitCodes.Failure;
            }

            progress.Done();
            if (traceFile is not null)
            {
                err.WriteLine($"kvmlab: trace written to {traceFile} (open in https://ui.perfetto.dev or chrome://tracing)");
            }

            o.WriteLine(p.GetValue(json) ? JsonResults.Run(result) : ResultTables.Run(result, p.GetValue(allMetrics)));
            return ExitCodes.Ok;
        });
        return cmd;
    }

    /// <summary>Written beside the target and renamed at the end, so a failed or interrupted run leaves no file, whole or half.</summary>
    private static RunResult RunWithTrace(ScenarioSpec spec, CostProfile? costs, RunControl control, InvariantLevel? checks, string traceFile)
    {
        string tmp = traceFile + ".partial";
        if (Path.GetDirectoryName(Path.GetFullPath(traceFile)) is { } dir)
        {
            Directory.CreateDirectory(dir);
        }

        try
        {
            RunResult result;
            using (var stream = File.Create(tmp))
            using (var writer = new PerfettoTraceWriter(stream))
            {
                result = ScenarioRunner.Run(spec, trace: writer, profileOverride: costs, control: control, checks: checks);
                writer.Close();
            }

            File.Move(tmp, traceFile, overwrite: true);
            return result;
        }
        finally
        {
            if (File.Exists(tmp))
            {
                File.Delete(tmp);
            }
        }
    }
}
