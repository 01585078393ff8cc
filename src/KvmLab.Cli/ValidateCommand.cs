using System.CommandLine;
using System.Globalization;
using KvmLab.Calibration;
using KvmLab.Calibration.Pvm;
using KvmLab.Model.Hardware;
using KvmLab.Model.Hardware.ProfileFiles;
using KvmLab.RealKvm.Calibration;
using KvmLab.RealKvm.Probes;

namespace KvmLab.Cli;

internal static class ValidateCommand
{
    public static Command Create(TextWriter o, TextWriter err)
    {
        var profile = new Option<string?>("--profile") { Description = "A built-in profile (pvm-here...) or a profile from 'kvmlab calibrate --out' (its recorded probe medians are the measurements unless --from is given). Without it: pvm-here on a PVM host, else the probes calibrate a profile in memory" };
        var from = new Option<string?>("--from") { Description = "A saved probe run ('kvmlab probe --json --out DIR' writes DIR/probe.json) to compare with, instead of probing now (no /dev/kvm needed)" };
        var json = CommonOptions.Json("one JSON object (per probe predicted, measured, leave-one-out; median_abs_error_percent)");
        var samples = CommonOptions.Samples("Samples per natively running probe when probing now");
        var device = CommonOptions.Device();
        var cmd = new Command("validate", "Simulate the probe scenarios with a profile and print predicted versus measured per probe, with the gap and (PVM) the leave-one-out error") { profile, from, json, samples, device };
        cmd.SetAction(p =>
        {
            // Refused even with --profile (where no probe runs): a value out of range is a typo either way.
            if (CommonOptions.SamplesInRange(p.GetValue(samples), "validate", err) is not int n)
            {
                return ExitCodes.Usage;
            }

            (CostProfile Profile, CalibratedProfile? File)? given = null;
            if (p.GetValue(profile) is string id)
            {
                given = ProbeRunFiles.Resolve(id, "validate", err);
                if (given is null)
                {
                    return ExitCodes.Usage;
                }
            }

            ProbeRunFile? run = p.GetValue(from) is string f ? ProbeRunReader.Read(f) : null;
            // A profile file with recorded probe medians (calibrate --out) is compared with them; one
            // without (a fit's --out) is compared with the probes run now.
            if (run is null && given?.File is { Measurements.Count: > 0 } cf)
            {
                run = ProbeRunFiles.FromProfile(cf, p.GetValue(profile)!);
            }

            CalibratedProfile? calibrated = given?.File;
            if (run is null)
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

                if (env.Warning is string w && !p.GetValue(json))
                {
                    o.WriteLine(w);
                    o.WriteLine();
                }

                run = ProbeRunFiles.FromLive(results, env);
                if (given is null && !env.IsPvm)
                {
                    calibrated = Calibrator.Calibrate(results, env.TscKhz, Profiles.SkylakeSp2020(), $"{env.Flavour}, {env.CpuModel}, kernel {env.Kernel}");
                }
            }

            CostProfile prof = given?.Profile ?? calibrated?.Profile ?? (run.IsPvm ? Profiles.PvmFor(run.Host.TscKhz) : Profiles.SkylakeSp2020());
            if (prof.Vendor == CpuVendor.Pvm)
            {
                if (!run.IsPvm && run.Host.Flavour.Length > 0 && !p.GetValue(json))
                {
                    o.WriteLine($"note: {run.File} was measured on '{run.Host.Flavour}', not a PVM host");
                }

                PvmValidation v = PvmValidator.Validate(prof, run);
                o.Write(p.GetValue(json) ? PvmValidateOutput.Json(v) + Environment.NewLine : PvmValidateOutput.Table(v));
                return ExitCodes.Ok;
            }

            return Vmx(o, prof, calibrated, run, p.GetValue(json));
        });
        return cmd;
    }

    private static int Vmx(TextWriter o, CostProfile prof, CalibratedProfile? c, ProbeRunFile run, bool json)
    {
        string baseId = c?.BaseProfile ?? prof.Id;
        CostProfile baseProfile = Profiles.Find(baseId) ?? Profiles.SkylakeSp2020();
        IReadOnlyDictionary<string, double> measured = run.Medians();
        List<ValidationRow> rows = Validator.Validate(prof, measured);
        List<ValidationRow> baseRows = Validator.Validate(baseProfile, measured);
        double[] gaps = [.. rows.Where(r => r.GapPercent is not null).Select(r => Math.Abs(r.GapPercent!.Value)).Order()];
        double median = gaps.Length == 0 ? double.NaN : gaps.Length % 2 == 1 ? gaps[gaps.Length / 2] : (gaps[(gaps.Length / 2) - 1] + gaps[gaps.Length / 2]) / 2;
        if (json)
        {
            var arr = new System.Text.Json.Nodes.JsonArray();
            foreach (ValidationRow r in rows)
            {
                arr.Add(new System.Text.Json.Nodes.JsonObject { ["probe"] = r.Probe, ["case"] = r.Name, ["measured_ns"] = r.MeasuredNs, ["predicted_ns"] = r.PredictedNs, ["error_percent"] = r.GapPercent });
            }

            o.WriteLine(new System.Text.Json.Nodes.JsonObject { ["profile"] = prof.Id, ["probes"] = arr, ["median_abs_error_percent"] = double.IsNaN(median) ? null : median }.ToJsonString());
            return ExitCodes.Ok;
        }

        o.WriteLine($"VALIDATION: profile '{prof.Id}'{(c is null ? "" : $" ({c.Environment})")} vs base '{baseProfile.Id}', medians in us");
        o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {"case",-42} {"measured",9} {"predicted",10} {"gap",8}   {"base pred.",10} {"base gap",9}  probe"));
        for (int i = 0; i < rows.Count; i++)
        {
            ValidationRow r = rows[i], b = baseRows[i];
            o.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {r.Name,-42} {Us(r.MeasuredNs),9} {Us(r.PredictedNs),10} {Gap(r.GapPercent),8}   {Us(b.PredictedNs),10} {Gap(b.GapPercent),9}  {r.Probe}"));
        }

        o.WriteLine();
        o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  median |gap| over {gaps.Length} probes: {median:0.0}%"));
        if (c is not null)
        {
            o.WriteLine($"  {c.Fields.Count(f => f.Measured)} of {c.Fields.Count} profile fields are measured; the rest are inherited from {c.BaseProfile} (see 'kvmlab calibrate').");
        }

        return ExitCodes.Ok;
    }

    private static string Us(double? ns) => ns is double v ? (v / 1000).ToString("0.00", CultureInfo.InvariantCulture) : "n/a";

    private static string Gap(double? pct) => pct is double v ? v.ToString("+0;-0", CultureInfo.InvariantCulture) + "%" : "n/a";
}
