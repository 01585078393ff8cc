using System.CommandLine;
using KvmLab.Engine.Time;
using KvmLab.Experiments.Compare;
using KvmLab.Model.Hardware;
using KvmLab.Model.Hardware.ProfileFiles;
using KvmLab.Plotting;
using KvmLab.Policies;
using KvmLab.Reporting;
using KvmLab.Scenarios;

namespace KvmLab.Cli;

/// <summary>
/// `kvmlab compare`: what each feature buys on the user's own scenario (issue 15). The sets, the
/// statistics and the ranking are <see cref="FeatureComparison"/>'s; the JSON schema is
/// docs/COMPARE.md.
/// </summary>
internal static class CompareCommand
{
    public static Command Create(TextWriter o, TextWriter err)
    {
        var scenario = new Argument<string>("scenario") { Description = "A scenario file (scenarios/*.yaml)" };
        var features = new Option<string?>("--features")
        {
            Description = "Comma-separated features to compare (see 'kvmlab list'); default: every feature that applies to the scenario's platform "
                + "(its CPU vendor and guest), less any that a set could not have (said in the output)",
        };
        var design = new Option<string>("--design")
        {
            Description = "one-at-a-time: baseline, each alone, all together, each left out of all; leave-one-out: baseline, all, each left out; "
                + $"factorial: every combination (up to {FeatureSets.MaxFactorial} features) with main effects and two-way interactions",
            DefaultValueFactory = _ => "one-at-a-time",
        };
        var metric = new Option<string?>("--metric") { Description = "The metric to rank by (default: the scenario's primary metric; docs/METRICS.md)" };
        var replications = new Option<int>("--replications") { Description = "Replications per set (2 to 1000) for the 95% intervals", DefaultValueFactory = _ => 3 };
        var duration = new Option<string?>("--duration") { Description = "Replace the scenario's simulated duration (for example 100ms), warm-up kept" };
        var jobs = CommonOptions.Jobs("Runs (sets x replications)");
        var profile = CommonOptions.Profile();
        var seed = CommonOptions.Seed();
        var json = CommonOptions.Json("one JSON object (schema kvmlab-compare/1, docs/COMPARE.md)");
        var csv = new Option<bool>("--csv") { Description = "Print one CSV row per set, ranked, instead of tables" };
        var plot = new Option<string?>("--plot") { Description = "Also write the ranked chart to FILE (.svg or .png)" };
        var cmd = new Command("compare", "Run a scenario with and without features and rank what each buys, with 95% intervals, CPU cost and the exits behind it")
        {
            scenario, features, design, metric, replications, duration, jobs, profile, seed, json, csv, plot,
        };
        cmd.SetAction(p =>
        {
            string? d = p.GetValue(design);
            CompareDesign? chosenDesign = d switch
            {
                "one-at-a-time" => CompareDesign.OneAtATime,
                "leave-one-out" => CompareDesign.LeaveOneOut,
                "factorial" => CompareDesign.Factorial,
                _ => null,
            };
            if (chosenDesign is not CompareDesign dz)
            {
                return Usage(err, $"--design '{d}' is not one of one-at-a-time, leave-one-out, factorial");
            }

            int reps = p.GetValue(replications);
            if (reps is < 2 or > 1000)
            {
                return Usage(err, $"--replications {reps} is out of range: it must be from 2 to 1000 (an interval needs two)");
            }

            if (CommonOptions.JobsInRange(p.GetValue(jobs), "compare", err) is not int n)
            {
                return ExitCodes.Usage;
            }

            if (p.GetValue(json) && p.GetValue(csv))
            {
                return Usage(err, "--json and --csv are two outputs; choose one");
            }

            string[]? named = p.GetValue(features) is string list ? [.. list.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)] : null;
            if (named is not null)
            {
                if (named.Length == 0)
                {
                    return Usage(err, "--features is empty; name features (see 'kvmlab list') or leave it out for the platform's");
                }

                if (named.FirstOrDefault(f => FeatureCatalog.Find(f) is null) is { } unknown)
                {
                    return Usage(err, $"--features: unknown feature '{unknown}' (known: {string.Join(", ", FeatureCatalog.Every.Select(f => f.Id))})");
                }

                if (named.Distinct(StringComparer.Ordinal).Count() != named.Length)
                {
                    return Usage(err, "--features names a feature twice");
                }

                if (dz == CompareDesign.Factorial && named.Length > FeatureSets.MaxFactorial)
                {
                    return Usage(err, $"--design factorial takes at most {FeatureSets.MaxFactorial} features ({named.Length} given: 2^{named.Length} combinations)");
                }
            }
            else if (dz == CompareDesign.Factorial)
            {
                return Usage(err, $"--design factorial needs --features (at most {FeatureSets.MaxFactorial})");
            }

            string? plotFile = p.GetValue(plot);
            if (plotFile is not null && !(plotFile.EndsWith(".svg", StringComparison.OrdinalIgnoreCase) || plotFile.EndsWith(".png", StringComparison.OrdinalIgnoreCase)))
            {
                return Usage(err, $"--plot {plotFile}: the file must end in .svg or .png");
            }

            if (plotFile is not null && OutputPaths.FileProblem(plotFile, "--plot") is { } badPlot)
            {
                err.WriteLine($"kvmlab: compare: {badPlot}");
                return ExitCodes.Failure;
            }

            ScenarioSpec spec = ScenarioLoader.LoadFile(p.GetValue(scenario)!);
            if (p.GetValue(seed) is ulong s)
            {
                spec = spec with { Seed = s };
            }

            if (p.GetValue(duration) is string dt)
            {
                if (ValueText.Span(dt, spec.Warmup + SimSpan.FromMicroseconds(1), ScenarioLimits.MaxDuration, out SimSpan span) is { } problem)
                {
                    return Usage(err, $"--duration: {problem} (more than the scenario's warm-up of {ValueText.Format(spec.Warmup)})");
                }

                spec = spec with { Duration = span };
            }

            CostProfile? costs = p.GetValue(profile) is string pf ? ProfileFile.Read(pf).Profile : null;
            var progress = new Progress(err);
            var options = new CompareOptions
            {
                Features = named,
                Design = dz,
                Metric = p.GetValue(metric),
                Replications = reps,
                Jobs = n,
                Profile = costs,
                Progress = (done, total) => progress.Report($"compare {spec.Name}", done, total),
            };
            Comparison c;
            try
            {
                c = FeatureComparison.Run(spec, options);
            }
            catch (ArgumentException e) when (e.Message.StartsWith("--metric", StringComparison.Ordinal))
            {
                progress.Done();
                return Usage(err, e.Message);
            }

            progress.Done();
            o.Write(p.GetValue(json) ? CompareReport.Json(c) + "\n" : p.GetValue(csv) ? CompareReport.Csv(c) : CompareReport.Table(c));
            o.Flush();
            if (plotFile is not null)
            {
                ChartImage chart = CompareCharts.Chart(c);
                if (plotFile.EndsWith(".png", StringComparison.OrdinalIgnoreCase))
                {
                    File.WriteAllBytes(plotFile, chart.Png);
                }
                else
                {
                    File.WriteAllText(plotFile, chart.Svg);
                }

                err.WriteLine($"kvmlab: compare: chart written to {plotFile}");
            }

            return ExitCodes.Ok;
        });
        return cmd;
    }

    private static int Usage(TextWriter err, string message)
    {
        err.WriteLine($"kvmlab: compare: {message}");
        return ExitCodes.Usage;
    }
}
