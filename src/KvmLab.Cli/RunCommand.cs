using System.CommandLine;
using KvmLab.Model.Hardware;
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
        var json = CommonOptions.Json("one JSON object with every metric (zeros included), its value and unit");
        var trace = new Option<string?>("--trace") { Description = "Write a Perfetto / chrome://tracing trace-event JSON file of the run" };
        var profile = CommonOptions.Profile();
        var allMetrics = new Option<bool>("--all-metrics") { Description = "List every metric in the table, zeros included (default: the non-zero ones; --json always has all)" };
        var cmd = new Command("run", "Run a scenario file and print its metrics (each one is explained in docs/METRICS.md)") { scenario, seed, json, trace, profile, allMetrics };
        cmd.SetAction(p =>
        {
            string path = p.GetValue(scenario)!;
            ScenarioSpec spec = ScenarioLoader.LoadFile(path);
            if (p.GetValue(seed) is ulong s)
            {
                spec = spec with { Seed = s };
            }

            CostProfile? costs = p.GetValue(profile) is string pf ? ProfileFile.Read(pf).Profile : null;
            RunResult result;
            if (p.GetValue(trace) is string traceFile)
            {
                // Written beside the target and renamed at the end, so a failed run leaves no half file.
                string tmp = traceFile + ".partial";
                using (var stream = File.Create(tmp))
                using (var writer = new PerfettoTraceWriter(stream))
                {
                    result = ScenarioRunner.Run(spec, trace: writer, profileOverride: costs);
                    writer.Close();
                }

                File.Move(tmp, traceFile, overwrite: true);
                err.WriteLine($"kvmlab: trace written to {traceFile} (open in https://ui.perfetto.dev or chrome://tracing)");
            }
            else
            {
                result = ScenarioRunner.Run(spec, profileOverride: costs);
            }

            o.WriteLine(p.GetValue(json) ? JsonResults.Run(result) : ResultTables.Run(result, p.GetValue(allMetrics)));
            return ExitCodes.Ok;
        });
        return cmd;
    }
}
