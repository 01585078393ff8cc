using System.CommandLine;
using KvmLab.Experiments;
using KvmLab.Model.Hardware;
using KvmLab.Model.Invariants;
using KvmLab.Calibration;
using KvmLab.Model.Hardware.ProfileFiles;
using KvmLab.RealKvm.Calibration;
using KvmLab.Plotting;
using KvmLab.Reporting;
using KvmLab.Scenarios;

namespace KvmLab.Cli;

internal static class ReproduceCommand
{
    public const ulong DefaultSeed = 20201209; // the talk's publication date; any fixed value would do

    public static Command Create(TextWriter o, TextWriter err)
    {
        var ids = new Argument<string[]>("id") { Description = "Experiment ids (see 'kvmlab list')", Arity = ArgumentArity.ZeroOrMore };
        var all = new Option<bool>("--all") { Description = "Reproduce every experiment" };
        var seed = CommonOptions.Seed();
        var json = CommonOptions.Json("one JSON object per line, one line per experiment");
        var strict = new Option<bool>("--strict") { Description = "Exit 1 when any experiment does not reproduce" };
        var scenario = new Option<string?>("--scenario")
        {
            Description = "Re-run a ladder experiment with the workload keys of this scenario file (for example another drive or iodepth); "
                + "its fio parameters other than 'config' replace each configuration's",
        };
        var report = new Option<string?>("--report")
        {
            Description = "Also write DIR/report.md and DIR/report.html (tables, charts of model versus published with the tolerance, citations linked) and each chart as SVG and PNG",
        };
        var profile = CommonOptions.Profile();
        var check = CommonOptions.Check();
        var jobs = CommonOptions.Jobs("Runs (variants x replications)");
        var estimates = new Option<bool>("--estimates")
        {
            Description = "Run each experiment on its platform's estimates instead of the fitted profile (the verdicts before the fits, docs/RESULTS.md)",
        };
        var cmd = new Command("reproduce", "Run experiments and compare the model's change with the published one") { ids, all, seed, json, strict, scenario, report, profile, check, jobs, estimates };
        cmd.SetAction(p =>
        {
            string[] wanted = p.GetValue(ids) ?? [];
            var chosen = new List<Experiment>();
            string? scenarioFile = p.GetValue(scenario);
            if (p.GetValue(all))
            {
                chosen = [.. ExperimentCatalog.All];
            }
            else if (wanted.Length == 0)
            {
                err.WriteLine("kvmlab: reproduce: name experiment ids or --all (see 'kvmlab list')");
                return ExitCodes.Usage;
            }
            else
            {
                foreach (string id in wanted)
                {
                    IReadOnlyList<Experiment> found = ExperimentCatalog.Matching(id);
                    if (found.Count == 0)
                    {
                        err.WriteLine($"kvmlab: reproduce: unknown experiment '{id}' (known: {string.Join(", ", ExperimentCatalog.AllIds)})");
                        return ExitCodes.Usage;
                    }

                    chosen.AddRange(found.Where(e => !chosen.Contains(e)));
                }
            }

            if (CommonOptions.JobsInRange(p.GetValue(jobs), "reproduce", err) is not int n)
            {
                return ExitCodes.Usage;
            }

            if (p.GetValue(report) is string reportDir && OutputPaths.DirectoryProblem(reportDir, "--report") is { } bad)
            {
                err.WriteLine($"kvmlab: reproduce: {bad}");
                return ExitCodes.Failure;
            }

            LadderOverride? over = null;
            if (scenarioFile is not null)
            {
                if (chosen.Any(e => !e.JudgedPerVariant))
                {
                    err.WriteLine("kvmlab: reproduce: --scenario applies to ladder experiments only (for example 'reproduce nvme-qd1-ladder --scenario scenarios/nvme-ladder-qd8.yaml')");
                    return ExitCodes.Usage;
                }

                over = LadderOverride.Load(scenarioFile);
            }

            if (p.GetValue(estimates) && p.GetValue(profile) is not null)
            {
                err.WriteLine("kvmlab: reproduce: --estimates and --profile both choose the profile: give one");
                return ExitCodes.Usage;
            }

            ulong s = p.GetValue(seed) ?? DefaultSeed;
            CostProfile? costs = p.GetValue(profile) is string pf ? ProfileFile.Read(pf).Profile : null;
            InvariantLevel? checks = p.GetValue(check) ? InvariantLevel.Full : null;
            bool allReproduced = true;
            var progress = new Progress(err);
            // One path for every experiment: --profile, --check, --scenario and --jobs reach each alike. All
            // runs of all experiments share one pool (so two cores stay busy across experiments of very
            // different cost); the results are printed in the experiments' order once all have run.
            string label = $"reproduce: {chosen.Count} experiment(s), {n} job(s)";
            IReadOnlyList<ExperimentResult> results = ExperimentRunner.RunAll(chosen, s, new RunOptions
            {
                Profile = costs,
                Estimates = p.GetValue(estimates),
                Checks = checks,
                Rewrite = over is null ? null : over.Apply,
                Jobs = n,
                Progress = (done, total) => progress.Report(label, done, total),
            }, over is null ? null : over.Describe);
            progress.Done();
            foreach (ExperimentResult r in results)
            {
                allReproduced &= r.Reproduced;
                o.WriteLine(p.GetValue(json) ? ExperimentReport.Json(r) : ExperimentReport.Table(r));
            }

            o.Flush();
            if (!p.GetValue(json))
            {
                // Issue 13: one line of provenance per profile the experiments ran on.
                o.WriteLine("profiles:");
                foreach (string line in results.Select(r => r.ProfileProvenance).Distinct(StringComparer.Ordinal))
                {
                    o.WriteLine($"  {line}");
                }

                int reproduced = results.Count(r => r.Outcome == Outcome.Reproduced);
                int inconclusive = results.Count(r => r.Outcome == Outcome.Inconclusive);
                o.WriteLine($"{chosen.Count} experiment(s): {reproduced} reproduced, {inconclusive} inconclusive, {results.Count - reproduced - inconclusive} not reproduced; all reproduced: {(allReproduced ? "yes" : "no")}");
            }

            if (p.GetValue(report) is string dir)
            {
                var (md, html) = ReportWriter.Write(dir, results, s, ScenarioRunner.Version);
                err.WriteLine($"kvmlab: report written to {md} and {html} (charts beside them as SVG and PNG)");
            }

            return p.GetValue(strict) && !allReproduced ? ExitCodes.Failure : ExitCodes.Ok;
        });
        return cmd;
    }
}
