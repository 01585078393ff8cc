using System.CommandLine;
using KvmLab.Calibration.Sensitivity;
using KvmLab.Model.Hardware;
using KvmLab.Model.Hardware.ProfileFiles;
using KvmLab.Reporting;
using KvmLab.Scenarios;

namespace KvmLab.Cli;

internal static class SensitivityCommand
{
    public static Command Create(TextWriter o, TextWriter err)
    {
        var scenario = new Argument<string>("scenario") { Description = "Scenario YAML file" };
        var metric = new Option<string?>("--metric") { Description = "The metric to differentiate (default: the workload's primary metric)" };
        var json = CommonOptions.Json("one JSON object: the metric, and every field with its elasticity, cost and provenance");
        var profile = CommonOptions.Profile();
        var jobs = new Option<int?>("--jobs") { Description = "Runs at once (default: the number of cores); the result does not depend on it" };
        var top = new Option<int>("--top") { Description = "Fields to list in the table (default 15; --json has all)", DefaultValueFactory = _ => 15 };
        var cmd = new Command("sensitivity", "Rank every cost field by the elasticity of a scenario's metric to it (which costs decide the result), with each field's provenance")
        {
            scenario, metric, json, profile, jobs, top,
        };
        cmd.SetAction(p =>
        {
            int n = p.GetValue(jobs) ?? Environment.ProcessorCount;
            if (n is < 1 or > 1024)
            {
                err.WriteLine($"kvmlab: sensitivity: --jobs {n} is out of range: it must be from 1 to 1024");
                return ExitCodes.Usage;
            }

            if (p.GetValue(top) < 1)
            {
                err.WriteLine($"kvmlab: sensitivity: --top {p.GetValue(top)} must be at least 1");
                return ExitCodes.Usage;
            }

            ScenarioSpec spec = ScenarioLoader.LoadFile(p.GetValue(scenario)!);
            CostProfile? costs = p.GetValue(profile) is string pf ? ProfileFile.Read(pf).Profile : null;
            var progress = new Progress(err);
            SensitivityResult r = SensitivityAnalysis.Run(spec, p.GetValue(metric), costs, n, (done, total) => progress.Report($"{spec.Name}: fields", done, total));
            progress.Done();
            o.WriteLine(p.GetValue(json) ? SensitivityReport.Json(r) : SensitivityReport.Table(r, p.GetValue(top)));
            return ExitCodes.Ok;
        });
        return cmd;
    }
}
