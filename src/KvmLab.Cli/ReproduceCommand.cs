using System.CommandLine;
using KvmLab.Experiments;
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
        var cmd = new Command("reproduce", "Run experiments and compare the model's change with the published one") { ids, all, seed, json, strict };
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
                    IReadOnlyList<Experiment> found = ExperimentCatalog.Matching(id);
                    if (found.Count == 0)
                    {
                        err.WriteLine($"kvmlab: reproduce: unknown experiment '{id}' (known: {string.Join(", ", ExperimentCatalog.All.Select(x => x.Id))})");
                        return ExitCodes.Usage;
                    }

                    chosen.AddRange(found.Where(e => !chosen.Contains(e)));
                }
            }

            ulong s = p.GetValue(seed) ?? DefaultSeed;
            bool allReproduced = true;
            var progress = new Progress(err);
            for (int i = 0; i < chosen.Count; i++)
            {
                Experiment e = chosen[i];
                ExperimentResult r = ExperimentRunner.Run(e, s, (done, total) => progress.Report($"[{i + 1}/{chosen.Count}] {e.Id}", done, total));
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
