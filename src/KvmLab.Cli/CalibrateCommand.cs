using System.CommandLine;
using System.Globalization;
using KvmLab.Model.Hardware;
using KvmLab.Calibration;
using KvmLab.Calibration.Pvm;
using KvmLab.Model.Hardware.ProfileFiles;
using KvmLab.RealKvm.Calibration;
using KvmLab.RealKvm.Probes;

namespace KvmLab.Cli;

internal static class CalibrateCommand
{
    public static Command Create(TextWriter o, TextWriter err)
    {
        var outFile = new Option<string?>("--out") { Description = "Where to write the cost profile JSON" };
        var catalogOut = new Option<string?>("--catalog-out") { Description = "Also write the probe medians as a measured-here catalog (data/measurements format) for 'kvmlab fit --catalog'" };
        var from = new Option<string?>("--from") { Description = "A saved probe run ('kvmlab probe --json --out DIR' writes DIR/probe.json) instead of probing now" };
        var baseId = new Option<string>("--base") { Description = "Profile whose values fill the fields no probe measures (pvm-here: the PVM mapping of docs/PVM.md 4.4)", DefaultValueFactory = _ => "skylake-sp-2020" };
        var samples = CommonOptions.Samples("Samples per natively running probe");
        var device = CommonOptions.Device();
        var cmd = new Command("calibrate", "Run every probe (or read a saved run) and turn the results into a cost profile for run/reproduce/validate --profile, and a measured-here catalog") { outFile, catalogOut, from, baseId, samples, device };
        cmd.SetAction(p =>
        {
            CostProfile? b = Profiles.Find(p.GetValue(baseId)!);
            if (b is null)
            {
                err.WriteLine($"kvmlab: calibrate: unknown base profile '{p.GetValue(baseId)}' (see 'kvmlab list')");
                return ExitCodes.Usage;
            }

            if (CommonOptions.SamplesInRange(p.GetValue(samples), "calibrate", err) is not int n)
            {
                return ExitCodes.Usage;
            }

            string? path = p.GetValue(outFile);
            string? catalogPath = p.GetValue(catalogOut);
            if (path is null && catalogPath is null)
            {
                err.WriteLine("kvmlab: calibrate: give --out (a profile), --catalog-out (a catalog) or both");
                return ExitCodes.Usage;
            }

            foreach ((string? file, string option) in new[] { (path, "--out"), (catalogPath, "--catalog-out") })
            {
                if (file is not null && OutputPaths.FileProblem(file, option) is { } bad)
                {
                    err.WriteLine($"kvmlab: calibrate: {bad}");
                    return ExitCodes.Failure;
                }
            }

            ProbeRunFile run;
            IReadOnlyList<ProbeResult>? results = null;
            HostEnvironment? env = null;
            if (p.GetValue(from) is string saved)
            {
                run = ProbeRunReader.Read(saved);
            }
            else
            {
                int rc = ProbeRun.Execute(p.GetValue(device)!, "all", n, null, json: false, o, err, out IReadOnlyList<ProbeResult> live, out env);
                if (env is null)
                {
                    return rc;
                }

                if (ProbeRun.Failures(live, "calibrate", "no profile written", err))
                {
                    return ExitCodes.Failure;
                }

                results = live;
                run = ProbeRunFiles.FromLive(live, env);
            }

            if (catalogPath is not null)
            {
                Write(catalogPath, ProbeCatalogWriter.Yaml(run, run.IsPvm ? PvmHere.Id : "measured-here", run.File));
                o.WriteLine($"MEASUREMENT CATALOG written to {catalogPath} ({run.Medians().Count} probe medians; fit it with 'kvmlab fit --catalog {catalogPath}')");
            }

            if (path is null)
            {
                return ExitCodes.Ok;
            }

            CalibratedProfile c;
            if (b.Vendor == CpuVendor.Pvm)
            {
                c = PvmCalibration.Calibrate(run, b);
            }
            else if (results is not null && env is not null)
            {
                c = Calibrator.Calibrate(results, env.TscKhz, b, $"{env.Flavour}, {env.CpuModel}, kernel {env.Kernel}");
            }
            else
            {
                err.WriteLine($"kvmlab: calibrate: --from: a saved run calibrates a PVM base only (--base {PvmHere.Id}); the VMX mapping needs the raw samples of a live run");
                return ExitCodes.Usage;
            }

            Write(path, ProfileFile.Write(c));
            o.WriteLine();
            o.WriteLine($"COST PROFILE '{c.Profile.Id}' written to {path} (fields no probe measures keep {b.Id}'s values)");
            o.Write(Table(c));
            return ExitCodes.Ok;
        });
        return cmd;
    }

    private static void Write(string path, string text)
    {
        if (Path.GetDirectoryName(Path.GetFullPath(path)) is { } d)
        {
            Directory.CreateDirectory(d);
        }

        File.WriteAllText(path, text);
    }

    public static string Table(CalibratedProfile c)
    {
        var sb = new System.Text.StringBuilder();
        sb.AppendLine(CultureInfo.InvariantCulture, $"  {"field",-24} {"value",12}  {"source",-9} from");
        foreach (FieldOrigin f in c.Fields)
        {
            string value = f.Field == "TscGhz" ? $"{f.Ns:0.000} GHz" : $"{f.Ns:0.0} ns";
            sb.AppendLine(CultureInfo.InvariantCulture, $"  {f.Field,-28} {value,12}  {f.Source,-9} {f.Probe ?? ""}{(f.Probe is null ? "" : ": ")}{f.Note}");
        }

        return sb.ToString();
    }
}
