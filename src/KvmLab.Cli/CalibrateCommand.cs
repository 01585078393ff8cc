using System.CommandLine;
using System.Globalization;
using KvmLab.Model.Hardware;
using KvmLab.Calibration;
using KvmLab.Model.Hardware.ProfileFiles;
using KvmLab.RealKvm.Calibration;
using KvmLab.RealKvm.Probes;

namespace KvmLab.Cli;

internal static class CalibrateCommand
{
    public static Command Create(TextWriter o, TextWriter err)
    {
        var outFile = new Option<string>("--out") { Description = "Where to write the cost profile JSON", Required = true };
        var baseId = new Option<string>("--base") { Description = "Profile whose values fill the fields no probe measures", DefaultValueFactory = _ => "skylake-sp-2020" };
        var samples = CommonOptions.Samples("Samples per natively running probe");
        var device = CommonOptions.Device();
        var cmd = new Command("calibrate", "Run every probe and turn the results into a cost profile for run/reproduce/validate --profile") { outFile, baseId, samples, device };
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

            string path = p.GetValue(outFile)!;
            if (OutputPaths.FileProblem(path, "--out") is { } bad)
            {
                err.WriteLine($"kvmlab: calibrate: {bad}");
                return ExitCodes.Failure;
            }

            int rc = ProbeRun.Execute(p.GetValue(device)!, "all", n, null, json: false, o, err, out IReadOnlyList<ProbeResult> results, out HostEnvironment? env);
            if (env is null)
            {
                return rc;
            }

            if (ProbeRun.Failures(results, "calibrate", "no profile written", err))
            {
                return ExitCodes.Failure;
            }

            string envText = $"{env.Flavour}, {env.CpuModel}, kernel {env.Kernel}";
            CalibratedProfile c = Calibrator.Calibrate(results, env.TscKhz, b, envText);
            if (Path.GetDirectoryName(Path.GetFullPath(path)) is { } d)
            {
                Directory.CreateDirectory(d);
            }

            File.WriteAllText(path, ProfileFile.Write(c));
            o.WriteLine();
            o.WriteLine($"COST PROFILE '{c.Profile.Id}' written to {path} (fields no probe measures keep {b.Id}'s values)");
            o.Write(Table(c));
            return ExitCodes.Ok;
        });
        return cmd;
    }

    public static string Table(CalibratedProfile c)
    {
        var sb = new System.Text.StringBuilder();
        sb.AppendLine(CultureInfo.InvariantCulture, $"  {"field",-24} {"value",12}  {"source",-9} from");
        foreach (FieldOrigin f in c.Fields)
        {
            string value = f.Field == "TscGhz" ? $"{f.Ns:0.000} GHz" : $"{f.Ns:0.0} ns";
            sb.AppendLine(CultureInfo.InvariantCulture, $"  {f.Field,-24} {value,12}  {(f.Measured ? "measured" : "inherited"),-9} {f.Probe ?? ""}{(f.Probe is null ? "" : ": ")}{f.Note}");
        }

        return sb.ToString();
    }
}
