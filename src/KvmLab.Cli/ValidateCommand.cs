using System.CommandLine;
using System.Globalization;
using KvmLab.Model.Hardware;
using KvmLab.Calibration;
using KvmLab.Model.Hardware.ProfileFiles;
using KvmLab.RealKvm.Calibration;
using KvmLab.RealKvm.Probes;

namespace KvmLab.Cli;

internal static class ValidateCommand
{
    public static Command Create(TextWriter o, TextWriter err)
    {
        var profile = new Option<string?>("--profile") { Description = "A profile from 'kvmlab calibrate --out'; its recorded probe medians are the measurements. Without it, probes run now and calibrate in memory" };
        var samples = CommonOptions.Samples("Samples per natively running probe when probing now");
        var device = CommonOptions.Device();
        var cmd = new Command("validate", "Simulate the probe scenarios with a calibrated profile and print predicted versus measured, with the gap") { profile, samples, device };
        cmd.SetAction(p =>
        {
            // Refused even with --profile (where no probe runs): a value out of range is a typo either way.
            if (CommonOptions.SamplesInRange(p.GetValue(samples), "validate", err) is not int n)
            {
                return ExitCodes.Usage;
            }

            CalibratedProfile c;
            if (p.GetValue(profile) is string path)
            {
                c = ProfileFile.Read(path);
            }
            else
            {
                int rc = ProbeRun.Execute(p.GetValue(device)!, "all", n, null, json: false, TextWriter.Null, err, out IReadOnlyList<ProbeResult> results, out HostEnvironment? env);
                if (env is null)
                {
                    return rc;
                }

                if (ProbeRun.Failures(results, "validate", "nothing to compare the predictions with", err))
                {
                    return ExitCodes.Failure;
                }

                if (env.Warning is string w)
                {
                    o.WriteLine(w);
                    o.WriteLine();
                }

                c = Calibrator.Calibrate(results, env.TscKhz, Profiles.SkylakeSp2020(), $"{env.Flavour}, {env.CpuModel}, kernel {env.Kernel}");
            }

            CostProfile baseProfile = Profiles.Find(c.BaseProfile) ?? Profiles.SkylakeSp2020();
            List<ValidationRow> rows = Validator.Validate(c, c.Measurements);
            List<ValidationRow> baseRows = Validator.Validate(c with { Profile = baseProfile }, c.Measurements);
            o.WriteLine($"VALIDATION: profile '{c.Profile.Id}' ({c.Environment}) vs base '{baseProfile.Id}', medians in us");
            o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {"case",-42} {"measured",9} {"predicted",10} {"gap",8}   {"base pred.",10} {"base gap",9}  probe"));
            for (int i = 0; i < rows.Count; i++)
            {
                ValidationRow r = rows[i], b = baseRows[i];
                o.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  {r.Name,-42} {Us(r.MeasuredNs),9} {Us(r.PredictedNs),10} {Gap(r.GapPercent),8}   {Us(b.PredictedNs),10} {Gap(b.GapPercent),9}  {r.Probe}"));
            }

            o.WriteLine();
            o.WriteLine($"  {c.Fields.Count(f => f.Measured)} of {c.Fields.Count} profile fields are measured; the rest are inherited from {c.BaseProfile} (see 'kvmlab calibrate').");
            return ExitCodes.Ok;
        });
        return cmd;
    }

    private static string Us(double? ns) => ns is double v ? (v / 1000).ToString("0.00", CultureInfo.InvariantCulture) : "n/a";

    private static string Gap(double? pct) => pct is double v ? v.ToString("+0;-0", CultureInfo.InvariantCulture) + "%" : "n/a";
}
