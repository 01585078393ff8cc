using System.CommandLine;
using KvmLab.Experiments;
using KvmLab.Model.Hardware;
using KvmLab.RealKvm.Calibration;
using KvmLab.Reporting;

namespace KvmLab.Cli;

internal static class ReproduceCommand
{
    public const ulong DefaultSeed = 20201209; // the talk's publication date; any fixed value would do

    public static Command Create(TextWriter o, TextWriter err)
    {
        var ids = new Argument<string[]>("id") { Description = "Experiment ids (see 'kvmlab list')", Arity = ArgumentArity.ZeroOrMore };
        var all = new Option<bool>("--all") { Description = "Reproduce every experiment" };
        var seed = CommonOptions.Seed();
        var json = CommonOptions.Json();
        var strict = new Option<bool>("--strict") { Description = "Exit 1 when any experiment does not reproduce" };
        var profile = CommonOptions.Profile();
        var cmd = new Command("reproduce", "Run experiments and compare the model's change with the published one") { ids, all, seed, json, strict, profile };
        cmd.SetAction(p =>
        {
            string[] wanted = p.GetValue(ids) ?? [];
            List<Experiment> chosen;
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
                chosen = [];
                foreach (string id in wanted)
                {
                    Experiment? e = ExperimentCatalog.Find(id);
                    if (e is null)
                    {
                        err.WriteLine($"kvmlab: reproduce: unknown experiment '{id}' (known: {string.Join(", ", ExperimentCatalog.All.Select(x => x.Id))})");
                        return ExitCodes.Usage;
                    }

                    chosen.Add(e);
                }
            }

            ulong s = p.GetValue(seed) ?? DefaultSeed;
            CostProfile? costs = p.GetValue(profile) is string pf ? ProfileFile.Read(pf).Profile : null;
            bool allReproduced = true;
            var progress = new Progress(err);
            for (int i = 0; i < chosen.Count; i++)
            {
                Experiment e = chosen[i];
                ExperimentResult r = ExperimentRunner.Run(e, s, (done, total) => progress.Report($"[{i + 1}/{chosen.Count}] {e.Id}", done, total), costs);
                progress.Done();
                allReproduced &= r.Reproduced;
                o.WriteLine(p.GetValue(json) ? JsonResults.Experiment(r) : ResultTables.Experiment(r));
                o.Flush();
            }

            if (!p.GetValue(json))
            {
                o.WriteLine($"{chosen.Count} experiment(s); all reproduced: {(allReproduced ? "yes" : "no")}");
            }

            return p.GetValue(strict) && !allReproduced ? ExitCodes.Failure : ExitCodes.Ok;
        });
        return cmd;
    }
}
