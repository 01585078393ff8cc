using System.CommandLine;
using KvmLab.Experiments;
using KvmLab.Model.Hardware;
using KvmLab.Model.Invariants;
using KvmLab.RealKvm.Calibration;
using KvmLab.Reporting;
using KvmLab.Scenarios;

namespace KvmLab.Cli;

internal static class RunCommand
{
    public static Command Create(TextWriter o, TextWriter err)
    {
        var scenario = new Argument<string>("scenario") { Description = "Scenario YAML file (see scenarios/)" };
        var seed = CommonOptions.Seed();
        var json = CommonOptions.Json();
        var trace = new Option<string?>("--trace") { Description = "Write a Perfetto / chrome://tracing trace-event JSON file of the run" };
        var profile = CommonOptions.Profile();
        var check = CommonOptions.Check();
        var replications = new Option<int>("--replications")
        {
            Description = "Run N replications (independent RNG streams) and print each metric's mean with a 95% interval",
            DefaultValueFactory = _ => 1,
        };
        var cmd = new Command("run", "Run a scenario file and print its metrics") { scenario, seed, json, trace, profile, check, replications };
        cmd.SetAction(p =>
        {
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

            string path = p.GetValue(scenario)!;
            ScenarioSpec spec = ScenarioLoader.LoadFile(path);
            if (p.GetValue(seed) is ulong s)
            {
                spec = spec with { Seed = s };
            }

            CostProfile? costs = p.GetValue(profile) is string pf ? ProfileFile.Read(pf).Profile : null;
            InvariantLevel? checks = p.GetValue(check) ? InvariantLevel.Full : null;
            if (n > 1)
            {
                var progress = new Progress(err);
                ReplicatedRun x = ReplicatedRun.Run(spec, n, costs, checks, (done, total) => progress.Report(spec.Name, done, total));
                progress.Done();
                o.WriteLine(p.GetValue(json) ? JsonResults.Replicated(x) : ResultTables.Replicated(x));
                return ExitCodes.Ok;
            }

            RunResult result;
            if (p.GetValue(trace) is string traceFile)
            {
                // Written beside the target and renamed at the end, so a failed run leaves no half file.
                string tmp = traceFile + ".partial";
                using (var stream = File.Create(tmp))
                using (var writer = new PerfettoTraceWriter(stream))
                {
                    result = ScenarioRunner.Run(spec, trace: writer, profileOverride: costs, checks: checks);
                    writer.Close();
                }

                File.Move(tmp, traceFile, overwrite: true);
                err.WriteLine($"kvmlab: trace written to {traceFile} (open in https://ui.perfetto.dev or chrome://tracing)");
            }
            else
            {
                result = ScenarioRunner.Run(spec, profileOverride: costs, checks: checks);
            }

            o.WriteLine(p.GetValue(json) ? JsonResults.Run(result) : ResultTables.Run(result));
            return ExitCodes.Ok;
        });
        return cmd;
    }
}
