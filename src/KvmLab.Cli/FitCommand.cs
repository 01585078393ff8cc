using System.CommandLine;
using KvmLab.Calibration.Catalog;
using KvmLab.Calibration.Fit;
using KvmLab.Model.Hardware;
using KvmLab.Model.Hardware.ProfileFiles;
using KvmLab.Reporting;

namespace KvmLab.Cli;

internal static class FitCommand
{
    public static Command Create(TextWriter o, TextWriter err)
    {
        var catalog = new Option<string[]>("--catalog") { Description = "A measurement catalog (data/measurements/<platform>.yaml); repeat to add bounds from another (generic-intel.yaml)", Required = true, AllowMultipleArgumentsPerToken = false };
        var profile = new Option<string?>("--profile") { Description = "The base profile: a platform id (the fit starts from its estimates, not from an earlier fit) or a profile file (default: the first catalog's platform)" };
        var outFile = new Option<string?>("--out") { Description = "Write the fitted profile (every field: measured, fitted from which entries, or estimate) to this file" };
        var json = CommonOptions.Json("one JSON object: medians, every entry with its error and leave-one-out error, every field, the entries left out");
        var strict = new Option<bool>("--strict") { Description = "Leave out entries that share an experiment's patch series (related_target), to check no fitted cost leans on it" };
        var jobs = new Option<int?>("--jobs") { Description = "Runs at once (default: the number of cores); the result does not depend on it" };
        var cmd = new Command("fit", "Fit a profile's estimated costs to a measurement catalog, within bounds, and report each entry's error and leave-one-out error")
        {
            catalog, profile, outFile, json, strict, jobs,
        };
        cmd.SetAction(p =>
        {
            int n = p.GetValue(jobs) ?? Environment.ProcessorCount;
            if (n is < 1 or > 1024)
            {
                err.WriteLine($"kvmlab: fit: --jobs {n} is out of range: it must be from 1 to 1024");
                return ExitCodes.Usage;
            }

            string? outPath = p.GetValue(outFile);
            if (outPath is not null && OutputPaths.FileProblem(outPath, "--out") is { } bad)
            {
                err.WriteLine($"kvmlab: fit: {bad}");
                return ExitCodes.Failure;
            }

            MeasurementCatalog[] catalogs = [.. p.GetValue(catalog)!.Select(MeasurementCatalog.Load)];
            CostProfile baseProfile;
            string? given = p.GetValue(profile);
            string? fileBase = null; // a profile file's own base: the fitted file names it, so it loads where the file's id is unknown
            if (given is not null && File.Exists(given))
            {
                CalibratedProfile file = ProfileFile.Read(given);
                baseProfile = file.Profile;
                fileBase = file.BaseProfile;
            }
            else
            {
                string id = given ?? catalogs[0].Platform ?? "";
                // From the estimates, so that re-running the command that made a committed fitted
                // profile (data/profiles/README.md) gives the same file, not a fit of a fit.
                if (Profiles.Estimates(id) is not { } found)
                {
                    err.WriteLine($"kvmlab: fit: --profile: '{id}' is neither a file nor a profile (known: {string.Join(", ", Profiles.Builtin.Select(x => x.Id))})");
                    return ExitCodes.Usage;
                }

                baseProfile = found;
            }

            FitResult r = CostFit.Run(catalogs, baseProfile, !p.GetValue(strict), n, line => err.WriteLine($"kvmlab: fit: {line}"));
            o.WriteLine(p.GetValue(json) ? FitReport.Json(r) : FitReport.Table(r));
            if (outPath is not null)
            {
                File.WriteAllText(outPath, ProfileFile.Write(FittedProfileFile.From(r, baseProfile.Id, fileBase)));
                err.WriteLine($"kvmlab: fit: fitted profile written to {outPath}");
            }

            return ExitCodes.Ok;
        });
        return cmd;
    }
}
