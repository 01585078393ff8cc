using System.CommandLine;
using KvmLab.Calibration.Sensitivity;
using KvmLab.Experiments;
using KvmLab.Model.Hardware;
using KvmLab.Model.Hardware.ProfileFiles;
using KvmLab.Reporting;
using KvmLab.Scenarios;

namespace KvmLab.Cli;

internal static class SensitivityCommand
{
    public static Command Create(TextWriter o, TextWriter err)
    {
        var scenario = new Argument<string>("scenario") { Description = "Scenario YAML file, or an experiment id (a row judged on a published change: what each cost does to the change, and what one cost alone would take to reach the published one)" };
        var metric = new Option<string?>("--metric") { Description = "The metric to differentiate (default: the workload's primary metric)" };
        var json = CommonOptions.Json("one JSON object: the metric, and every field with its elasticity, cost and provenance");
        var profile = CommonOptions.Profile();
        var jobs = new Option<int?>("--jobs") { Description = "Runs at once (default: the number of cores); the result does not depend on it" };
        var replications = new Option<int>("--replications")
        {
            Description = "For an experiment row: replications per variant and scaled cost, paired (the change of their means, as reproduce computes it); rows whose runs are bimodal need several [default: 1]",
            DefaultValueFactory = _ => 1,
        };
        var top = new Option<int>("--top") { Description = "Fields to list in the table (default 15; --json has all)", DefaultValueFactory = _ => 15 };
        var cmd = new Command("sensitivity", "Rank every cost field by the elasticity of a scenario's metric to it (which costs decide the result), with each field's provenance")
        {
            scenario, metric, json, profile, jobs, replications, top,
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

            int reps = p.GetValue(replications);
            if (reps is < 1 or > 1000)
            {
                err.WriteLine($"kvmlab: sensitivity: --replications {reps} is out of range: it must be from 1 to 1000");
                return ExitCodes.Usage;
            }

            string target = p.GetValue(scenario)!;
            CostProfile? costs = p.GetValue(profile) is string pf ? ProfileFile.Read(pf).Profile : null;
            var progress = new Progress(err);
            if (!File.Exists(target) && ExperimentCatalog.Find(target) is { } e)
            {
                if (e.Variants.Count != 2 || e.PublishedChangePercent is null)
                {
                    err.WriteLine($"kvmlab: sensitivity: {e.Id} is judged per variant, not on a change; give one of its variants' scenarios instead");
                    return ExitCodes.Failure;
                }

                ChangeSensitivityResult c = ChangeSensitivity.Run(e.Id, e.Baseline.Scenario, e.Optimized.Scenario, p.GetValue(metric) ?? e.Metric,
                    e.PublishedChangePercent, costs, n, (done, total) => progress.Report($"{e.Id}: fields", done, total), reps);
                progress.Done();
                o.WriteLine(p.GetValue(json) ? ChangeSensitivityReport.Json(c) : ChangeSensitivityReport.Table(c, p.GetValue(top)));
                return ExitCodes.Ok;
            }

            if (reps != 1)
            {
                err.WriteLine($"kvmlab: sensitivity: --replications applies to an experiment row; {target} is a scenario file (its elasticities come from one run per field)");
                return ExitCodes.Usage;
            }

            ScenarioSpec spec = ScenarioLoader.LoadFile(target);
            SensitivityResult r = SensitivityAnalysis.Run(spec, p.GetValue(metric), costs, n, (done, total) => progress.Report($"{spec.Name}: fields", done, total));
            progress.Done();
            o.WriteLine(p.GetValue(json) ? SensitivityReport.Json(r) : SensitivityReport.Table(r, p.GetValue(top)));
            return ExitCodes.Ok;
        });
        return cmd;
    }
}
